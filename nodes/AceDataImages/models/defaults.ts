/**
 * The one place for the node's defaults, limits and the labels users see: the UI, the parameter boundary, the
 * messages and the docs all read them here.
 */

/** Image models take 60–300 s, 4K images several minutes: one request may wait this long by default. */
export const DEFAULT_TIMEOUT_SECONDS = 600;
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
export const DEFAULT_MAX_WAIT_SECONDS = 1800;
/** Polls back off up to this interval. */
export const MAX_POLL_INTERVAL_SECONDS = 30;
export const DEFAULT_MAX_DOWNLOAD_MB = 200;
/** A hosted image is refused above this (AceData's images are a few MB, 4K PNGs tens of MB). */
export const MAX_DOWNLOAD_MB = 2048;
/** Input items in flight at once, at most. */
export const MAX_CONCURRENCY = 20;
/** One day: no wait or request of the node is longer. */
export const MAX_SECONDS = 86_400;
/** The shortest Timeout or Poll Interval: anything shorter cannot reach AceData and back. */
export const MIN_SECONDS = 0.05;
/** The shortest Max Wait: a shorter one bills a job and gives up on it at once (0.001 is a slip, not a wait). */
export const MIN_MAX_WAIT_SECONDS = 0.25;
export const MAX_TRACE_ID_LENGTH = 200;
/** A task or trace ID as AceData gives them: printable, no spaces, of a sane length. */
export const ID_PATTERN = /^[\x21-\x7e]{1,200}$/;
/** An http(s) URL without spaces (image URLs, callback URLs). */
export const HTTP_URL = /^https?:\/\/[^\s/]+\S*$/i;
export const DEFAULT_BINARY_PROPERTY = 'data';
/** Max Images per Run accepts up to this (a cap, not a quota: anything larger is no cap worth the name). */
export const MAX_IMAGES_CAP = 100_000;
/** Task › Get Many: tasks returned by default, and at most. */
export const DEFAULT_TASK_LIMIT = 50;
export const MAX_TASK_LIMIT = 1000;

/** Delivery values, as saved workflows store them. */
export const DELIVERIES = ['wait', 'poll', 'submit', 'callback'] as const;
export type Delivery = (typeof DELIVERIES)[number];

/**
 * Delivery Callback: the node's resume webhook has a path of its own, so AceData's callback (the execution's resume
 * URL plus this path) can only ever reach this node's webhook, never a later Wait node of the same execution.
 */
export const CALLBACK_WEBHOOK_PATH = 'acedata-images-callback';
/** The query parameter that tags each callback with its input item. */
export const CALLBACK_ITEM_TAG = 'acedata_item';
/**
 * The one internal key: what a parked Delivery Callback run keeps for its resume, in the node's own run data (never
 * in what it emits or what Max Wait passes through).
 */
export const INTERNAL_KEY = '__aceDataImages';

/** Labels the user sees in the node, so an error names the field they can find. */
export const PARAMETER_LABELS: Record<string, string> = {
	model: 'Model',
	binaryPropertyNames: 'Input Binary Fields',
	imageUrls: 'Image URLs',
	imageSource: 'Image Source',
	maskBinaryPropertyName: 'Mask Binary Field',
	customModel: 'Custom Model ID',
	prompt: 'Prompt',
	n: 'Number of Images',
	maxImagesPerRun: 'Max Images per Run',
	taskIds: 'Task IDs',
	traceIds: 'Trace IDs',
	createdAfter: 'Created After',
	createdBefore: 'Created Before',
	limit: 'Limit',
	size: 'Size',
	delivery: 'Delivery',
	quality: 'Quality',
	style: 'Style',
	background: 'Background',
	moderation: 'Moderation',
	outputFormat: 'Output Format',
	outputCompression: 'Output Compression',
	partialImages: 'Partial Images',
	responseFormat: 'Response Format',
	inputFidelity: 'Input Fidelity',
	callbackUrl: 'Callback URL',
	traceId: 'Trace ID',
	timeout: 'Timeout (Seconds)',
	pollInterval: 'Poll Interval (Seconds)',
	maxWait: 'Max Wait (Seconds)',
	concurrency: 'Concurrency',
	taskId: 'Task ID',
	binaryPropertyName: 'Put Output File in Field',
	outputLayout: 'Output Layout',
	downloadImages: 'Download Images',
	fileName: 'File Name',
	maxDownloadMb: 'Max Download Size (MB)',
	traceIdPrefix: 'Trace ID Starts With',
	models: 'Models',
	taskStatus: 'Tasks That',
	lookBackMinutes: 'Look Back on First Poll (Minutes)',
	options: 'Options',
};

export function labelOf(parameter: string): string {
	return PARAMETER_LABELS[parameter] ?? parameter;
}
