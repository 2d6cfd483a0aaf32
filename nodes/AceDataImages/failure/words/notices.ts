/**
 * The words an item or a listing carries besides its images: notices (not errors: the images that came are
 * emitted), what an image's file is, and what Task › Get Many left out.
 */

export const fewerImages = (returned: number, asked: number) =>
	`AceData returned ${returned} of the ${asked} images asked for: only the ${returned} returned ${returned === 1 ? 'is' : 'are'} billed (AceData bills the images it makes).`;

export const maskMayBeIgnored = (modelId: string) =>
	`AceData promises masks only on the :official models; ${modelId} may have ignored the mask, and the edit is billed either way. For an edit that follows the mask, use an :official model such as gpt-image-2:official.`;

/** What an AI Agent (which sees only the JSON) can tell a person of an image's file. */
export const attachedFile = (
	field: string,
	file: { fileName?: string; mimeType: string; fileSize?: string },
	dimensions: { width: number; height: number } | undefined,
) =>
	`The image is attached to this item as a file in the binary field "${field}" (${file.fileName}, ${file.mimeType}${dimensions ? `, ${dimensions.width}x${dimensions.height}` : ''}${file.fileSize ? `, ${file.fileSize}` : ''})`;

// Task › Get Many.

/** `position`: the input item's number, from 1. */
export const itemHint = (position: number, hint: string) => `Item ${position}: ${hint}`;

export const unreadableRecords = (ids: Array<string | undefined>) =>
	`${ids.length} task record(s) AceData sent do not fit what the node reads and are left out (${ids.join(', ')}): fetch them with Task › Get`;

export const droppedRecords = (count: number) =>
	`${count} record(s) AceData sent were not asked for (another ID, trace ID or time) and are left out`;

export const purgedTasks = (ids: string[]) =>
	`AceData knows ${ids.length} of the task IDs asked for no more (purged after its retention period, or never this account's): ${ids.join(', ')}`;

/** `more`: how many more AceData has, when it says. */
export const moreTasks = (listed: number, more: number | undefined, max: number) =>
	`Listed ${listed} tasks: AceData has ${more !== undefined ? `${more} more` : 'more'} for this filter. Raise Limit (up to ${max}), or narrow Created After / Created Before to list the rest`;

/** A cost AceData sent that the node cannot read (`quoted`: what it sent, cut): left out of the spend, and said so. */
export const costUnreadable = (quoted: string) =>
	`AceData reported a cost the node cannot read (${quoted}): it is left out of "cost" and of the run's spend`;
