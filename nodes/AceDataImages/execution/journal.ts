import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { TraceSeed } from '../helpers/traceId';

/**
 * What this node has paid for in the current workflow execution, kept where n8n keeps it across its own re-runs of
 * the node: the node's context (`getContext('node')`). n8n hands the same context to every try of Retry On Fail and
 * copies it into a retried execution (the executions list's Retry), so a later try finds the jobs an earlier one
 * paid for and looks them up instead of paying again.
 *
 * One entry per billed request, keyed by the input item and the request's fingerprint (endpoint, fields, files):
 * written as the request leaves (`maybe`), completed when AceData answers (`paid`, with its task ID), removed when
 * AceData surely did not take it. A loop runs the node at a higher run index: the jobs of earlier runs can no longer
 * be re-run by n8n, so they are folded into a count of images (Max Images per Run counts them) and dropped.
 */
const JOURNAL_KEY = 'aceDataImagesJournal';
const VERSION = 1;

/** How a paid job's images can be had again. */
export type JobAnswer =
	/** A task, or hosted URLs: AceData's record gives them again (free). */
	| 'record'
	/** Base64 in the answer: AceData's records truncate it; only the files n8n stored can be given again. */
	| 'base64';

export interface JournalEntry {
	traceId: string;
	taskId?: string;
	billing: 'maybe' | 'paid';
	/** When the request left (ms since the epoch): a record found by trace ID must be younger. */
	sentAt: number;
	/** Images asked (Number of Images). */
	images: number;
	answer?: JobAnswer;
	/** Base64 answers whose files n8n keeps out of line (they have an id): the items as emitted. */
	items?: INodeExecutionData[];
	/** The execution whose binary store holds those files (a retried execution copies them into its own). */
	keptIn?: string;
}

interface JournalState {
	version: number;
	/**
	 * Random, made with the journal and copied with it into every try and retried execution: node-made trace IDs
	 * derive from it, so the same request of the same item carries the same trace ID in all of them.
	 */
	lineage: string;
	/** The run these jobs belong to (a loop's runs have their own). */
	runIndex: number;
	/** Images asked by the earlier runs of this node in this execution (a loop). */
	imagesBefore: number;
	jobs: Record<string, JournalEntry>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
	!!value && typeof value === 'object' && !Array.isArray(value);
const whole = (value: unknown): number =>
	typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;

const EARLIEST = Date.UTC(2020, 0, 1);
const DAY_MS = 86_400_000;

/** Kept items of a base64 job: at least one, each with JSON and every file stored by id; anything else is none. */
function keptItems(value: unknown): INodeExecutionData[] | undefined {
	if (!Array.isArray(value) || value.length === 0) return undefined;
	const fits = value.every(
		(item) =>
			isRecord(item) &&
			isRecord(item.json) &&
			isRecord(item.binary) &&
			Object.values(item.binary).every(
				(binary) => isRecord(binary) && typeof binary.id === 'string' && binary.id !== '',
			),
	);
	return fits ? (value as INodeExecutionData[]) : undefined;
}

/** An entry read back from n8n's saved run data: checked like anything else that crosses a boundary. */
function readEntry(value: unknown): JournalEntry | undefined {
	if (
		!isRecord(value) ||
		typeof value.traceId !== 'string' ||
		(value.billing !== 'maybe' && value.billing !== 'paid')
	)
		return undefined;
	// A time n8n could have written: from 2020 to a day from now (a saved context can hold anything).
	if (
		typeof value.sentAt !== 'number' ||
		!(value.sentAt >= EARLIEST && value.sentAt <= Date.now() + DAY_MS)
	)
		return undefined;
	return {
		traceId: value.traceId,
		taskId: typeof value.taskId === 'string' && value.taskId ? value.taskId : undefined,
		billing: value.billing,
		sentAt: value.sentAt,
		images: whole(value.images),
		answer: value.answer === 'record' || value.answer === 'base64' ? value.answer : undefined,
		items: keptItems(value.items),
		keptIn: typeof value.keptIn === 'string' ? value.keptIn : undefined,
	};
}

const LINEAGE = /^[0-9a-f]{12,32}$/;
const newLineage = () => crypto.randomUUID().replace(/-/g, '');

function readState(stored: unknown, runIndex: number): JournalState {
	const lineage =
		isRecord(stored) && typeof stored.lineage === 'string' && LINEAGE.test(stored.lineage)
			? stored.lineage
			: newLineage();
	const fresh: JournalState = { version: VERSION, lineage, runIndex, imagesBefore: 0, jobs: {} };
	if (!isRecord(stored) || stored.version !== VERSION || !isRecord(stored.jobs)) return fresh;
	const jobs: Record<string, JournalEntry> = {};
	for (const [key, value] of Object.entries(stored.jobs)) {
		const entry = readEntry(value);
		if (entry) jobs[key] = entry;
	}
	const imagesBefore = whole(stored.imagesBefore);
	const storedRun = whole(stored.runIndex);
	// The same run again: another try of Retry On Fail (same execution), or a retried execution (a new one).
	if (storedRun === runIndex) return { ...fresh, imagesBefore, jobs };
	// A later run of a loop: the earlier run's jobs count against the cap and are not reused.
	const earlier = Object.values(jobs).reduce((sum, entry) => sum + entry.images, 0);
	return { ...fresh, imagesBefore: imagesBefore + earlier };
}

export const keyOf = (itemIndex: number, fingerprint: string) => `${itemIndex}:${fingerprint}`;

export class Journal {
	/** Earlier jobs this try found again. */
	private readonly claimed = new Set<string>();

	private constructor(
		private readonly state: JournalState,
		/** Jobs an earlier try paid for, found at the start of this one. */
		private readonly earlier: ReadonlySet<string>,
		/** This execution's ID (where the files this try stores are kept). */
		readonly executionId: string | undefined,
	) {}

	/** The journal in n8n's node context (a fresh one in memory where n8n gives no context). */
	static open(ctx: IExecuteFunctions): Journal {
		const context = nodeContext(ctx);
		const state = readState(context?.[JOURNAL_KEY], runIndexOf(ctx));
		if (context) context[JOURNAL_KEY] = state;
		return new Journal(state, new Set(Object.keys(state.jobs)), executionIdOf(ctx));
	}

	/** What node-made trace IDs derive from in this run: the same in every try and retried execution of it. */
	get traceSeed(): TraceSeed {
		return { lineage: this.state.lineage, runIndex: this.state.runIndex };
	}

	/** The job an earlier try paid (or may have paid) for this exact request of this item. */
	earlierJob(key: string): JournalEntry | undefined {
		if (!this.earlier.has(key)) return undefined;
		this.claimed.add(key);
		return this.state.jobs[key];
	}

	/** Whether an earlier try left a job for this input item (for any request). */
	hasEarlierJobFor(itemIndex: number): boolean {
		const prefix = `${itemIndex}:`;
		return [...this.earlier].some((key) => key.startsWith(prefix));
	}

	/** Images asked of AceData in this execution by this node: earlier runs, earlier tries and this try so far. */
	imagesAsked(): number {
		return (
			this.state.imagesBefore +
			Object.values(this.state.jobs).reduce((sum, entry) => sum + entry.images, 0)
		);
	}

	/** Images asked by earlier runs of this node in this execution (a loop). */
	get imagesBefore(): number {
		return this.state.imagesBefore;
	}

	/** The earlier tries' jobs this try did not find again (a request that changed): still paid, so still named. */
	unclaimedEarlierJobs(): Array<{ itemIndex: number; entry: JournalEntry }> {
		return [...this.earlier]
			.filter((key) => !this.claimed.has(key) && this.state.jobs[key])
			.map((key) => ({ itemIndex: Number(key.split(':')[0]), entry: this.state.jobs[key] }));
	}

	/** Whether another job in the journal carries this trace ID (a Trace ID the user set for several items). */
	traceShared(key: string, traceId: string): boolean {
		return Object.entries(this.state.jobs).some(
			([other, entry]) => other !== key && entry.traceId === traceId,
		);
	}

	/** The billed request is leaving now. */
	sending(key: string, traceId: string, images: number): void {
		this.state.jobs[key] = { traceId, billing: 'maybe', sentAt: Date.now(), images };
	}

	/** AceData surely did not take it: nothing to reuse, nothing asked. */
	notAccepted(key: string): void {
		delete this.state.jobs[key];
	}

	/** AceData has the job. */
	accepted(key: string, ids: { taskId?: string; traceId?: string }, answer?: JobAnswer): void {
		const entry = this.state.jobs[key];
		if (!entry) return;
		entry.billing = 'paid';
		if (ids.taskId) entry.taskId = ids.taskId;
		if (ids.traceId) entry.traceId = ids.traceId;
		if (answer) entry.answer = answer;
	}

	/** A base64 job's items as emitted, when every file sits in n8n's binary store by id (small to keep). */
	keepItems(key: string, items: INodeExecutionData[]): void {
		const entry = this.state.jobs[key];
		if (!entry || entry.answer !== 'base64') return;
		// Stored by id (on disk, in S3, in the database), `data` holds only the mode's name: small enough to keep.
		const byId = items.every((item) =>
			Object.values(item.binary ?? {}).every(
				(binary) => typeof binary.id === 'string' && binary.id !== '',
			),
		);
		if (!byId) return;
		entry.keptIn = this.executionId;
		entry.items = items.map((item) => ({
			json: item.json,
			binary: item.binary,
			pairedItem: item.pairedItem,
		}));
	}
}

/** The execution's ID; undefined where n8n does not give one. */
function executionIdOf(ctx: IExecuteFunctions): string | undefined {
	try {
		const id: unknown = typeof ctx.getExecutionId === 'function' ? ctx.getExecutionId() : undefined;
		return typeof id === 'string' && id !== '' ? id : undefined;
	} catch {
		return undefined;
	}
}

/** n8n's run index of this node (a loop runs it at 0, 1, 2, ...); 0 where it cannot be read. */
function runIndexOf(ctx: IExecuteFunctions): number {
	try {
		const value = ctx.evaluateExpression('{{ $runIndex }}', 0);
		return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
	} catch {
		return 0;
	}
}

/** The execution's context of this node (kept across tries, runs and retried executions), where n8n provides it. */
function nodeContext(ctx: IExecuteFunctions): Record<string, unknown> | undefined {
	try {
		const context: unknown =
			typeof ctx.getContext === 'function' ? ctx.getContext('node') : undefined;
		return isRecord(context) ? context : undefined;
	} catch {
		return undefined;
	}
}
