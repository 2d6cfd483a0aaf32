export interface LoggedImage {
	id: string;
	format: string;
	sha256: string;
	url: string;
}

export interface LoggedPart {
	name?: string;
	filename?: string;
	contentType?: string;
	size: number;
	sha256?: string;
	value?: string;
}

export interface LoggedRequest {
	seq: number;
	method: string;
	path: string;
	headers: Record<string, string | undefined>;
	/** Length of the body as it arrived. */
	bytes: number;
	body?: Record<string, unknown>;
	parts?: LoggedPart[];
	status?: number;
	taskId?: string;
	images?: LoggedImage[];
	/** The fault that answered this request, if any. */
	fault?: string;
	/** Billed requests: how many images came out (and are billed). */
	imagesBilled?: number;
	/** The images' shape as the simulator drew them. */
	canvas?: { width: number; height: number };
	/** Nano Banana: the aspect ratio it made of the size. */
	aspect?: string;
	/** Edits with a mask: whether AceData applied it (only the :official lines promise to). */
	maskHonoured?: boolean;
	at: number;
	/** When the answer's last byte was handed over (undefined while it is being sent, or when the connection broke). */
	doneAt?: number;
}

/**
 * A fault for inject(): its keys are those of the registry, scripts/simulator/faults.js (what each one matches and
 * does; inject() refuses any other key, and the contract test keeps this list equal to the registry's).
 */
export interface Fault {
	path?: string;
	code?: string;
	status?: number;
	message?: string;
	times?: number;
	retryAfter?: number;
	latencyMs?: number;
	/** Only requests about these tasks (by id or trace ID). */
	taskIds?: string[];
	/** Only requests whose prompt, looked-up tasks' prompt or downloaded image's prompt contains this. */
	prompt?: string;
	/** Billed requests: do the job (it is paid), then lose the answer (error, `drop` or `hangMs`). */
	accept?: boolean;
	/** Cut the connection instead of answering. */
	drop?: boolean;
	/** With `accept`: hold the answer this long first. */
	hangMs?: number;
	/** Task look-ups: answer as if the task were not recorded (`{}`, or missing from a batch). */
	unknown?: boolean;
	/** Task look-ups: answer with a finished record of another task. */
	wrongRecord?: boolean;
	/** Task look-ups: serve each targeted record as this function makes it (a misbehaving AceData or proxy). */
	patchRecord?: (record: Record<string, unknown>) => unknown;
	/** Billed requests: do the job, then answer this function's value instead of AceData's answer. */
	patchAnswer?: (answer: Record<string, unknown>) => unknown;
	name?: string;
	/** Answer a redirect to this Location (status 307 unless `status`). */
	redirect?: string;
	/** Answer this text as the body (a proxy's page), with `contentType` (text/html by default). */
	html?: string;
	contentType?: string;
	/** Answer AceData's error shape with the caller's token in code, message and trace ID. */
	echoToken?: boolean;
	/** Image downloads: one byte every this many ms. */
	trickleMs?: number;
	/** Downloads: send this many bytes, then drop the connection (or, with `declaredLength: false`, end cleanly). */
	cutAfterBytes?: number;
	declaredLength?: boolean;
	/** Image downloads: a PNG header, then zeros up to this many bytes, with no length given. */
	hugeBytes?: number;
}

export interface SimulatorConfig {
	token: string;
	latencyMs: number;
	gptImageAnswer: 'b64_json' | 'url';
	taskPolls: number;
	taskSeconds: number;
	callbackDelayMs: number;
	/** Nano Banana's n: honoured (the 2026 guides) or ignored (older guides). */
	nanoBananaN?: 'honoured' | 'ignored';
	/** How the :official lines bill: tokens (usage in answers) or per image (no usage). */
	officialBilling?: 'tokens' | 'image';
	/** DALL·E 2 unlisted and refused. */
	dallE2Retired?: boolean;
	/** Task records older than this are purged; 0 keeps them. */
	retentionSeconds?: number;
	[key: string]: unknown;
}

export interface Simulator {
	readonly url: string;
	readonly requests: LoggedRequest[];
	readonly callbacks: Array<{
		url: string;
		taskId: string;
		body: unknown;
		status?: number;
		error?: string;
	}>;
	readonly sink: Array<{ path: string; body: unknown }>;
	readonly maxInFlight: number;
	readonly files: Map<string, unknown>;
	readonly hugeSent: number;
	config: SimulatorConfig;
	start(): Promise<string>;
	stop(): Promise<void>;
	inject(...faults: Fault[]): void;
	imageBytes(id: string): Buffer | undefined;
	billed(): LoggedRequest[];
	/** The bytes of every image the billed requests produced, in order. */
	sentImages(): Buffer[];
	reset(): void;
	/** The stored tasks by ID (`created_at`, `finished_at` in seconds; tests backdate them). */
	readonly tasks: Map<
		string,
		{ id: string; trace_id: string; created_at: number; finished_at?: number }
	>;
	/** Finishes a stored task now, as its job would. */
	finishTask(id: string): Promise<void> | undefined;
	/** Finishes the held tasks (config.holdCallbacks) that `which` selects, each calling back. */
	releaseCallbacks(
		which?: (task: { id: string; trace_id: string }) => boolean,
	): Promise<
		Array<{ url: string; taskId: string; body: unknown; status?: number; error?: string }>
	>;
}

export const TOKEN: string;
export const WRONG_TOKEN: string;
/** A simulator of its own, started (for tests that run side by side); stop() it when done. */
export function startSimulator(options?: Partial<SimulatorConfig>): Promise<Simulator>;
export function useSimulator(options?: Partial<SimulatorConfig>): {
	simulator: Simulator;
	credentials: () => { apiToken: string; baseUrl: string };
};
