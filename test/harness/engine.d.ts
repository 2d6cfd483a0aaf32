import type {
	IBinaryData,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	IRun,
} from 'n8n-workflow';

export interface EngineError {
	message: string;
	description?: string | null;
	httpCode?: string | null;
	context?: Record<string, unknown>;
}

export interface RunOptions {
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	credentials: { apiToken: string; baseUrl: string };
	continueOnFail?: boolean;
	/** Called once the run has started, with a function that cancels the execution. */
	onStarted?: (cancel: () => void) => void;
	/** Where n8n's resume URLs point (default: a served n8n's address on port 5678). */
	webhookWaitingBaseUrl?: string;
	/** The node's Settings tab as n8n stores it: `retryOnFail`, `maxTries`, `waitBetweenTries` (ms). */
	settings?: { retryOnFail?: boolean; maxTries?: number; waitBetweenTries?: number };
	/** The execution's mode (`retry` for a retried execution). */
	mode?: 'manual' | 'retry';
	/** Node contexts the execution starts with (a retried execution gets the failed one's). */
	contextData?: IDataObject;
	/** How many runs of the node came before this one in the execution (a loop): its run index. */
	earlierRuns?: number;
	/** The execution's ID (default '1'): where its binary files are stored. */
	executionId?: string;
}

export interface RunResult {
	run: IRun;
	error?: EngineError;
	items: INodeExecutionData[];
	/** The hints n8n shows above the node's output. */
	hints: Array<{ message: string; type?: string }>;
	/** The node contexts as the execution left them (what n8n saves, and a retry starts from). */
	contextData: IDataObject;
}

export function runNode(options: RunOptions): Promise<RunResult>;
export function binaryBytes(binary: IBinaryData | undefined): Buffer;
/** n8n's binary store on disk for the rest of this test file; `reads` counts whole and streamed reads of stored binaries. */
export function useFilesystemBinaryStore(): Promise<{
	reads: { whole: number; streamed: number };
	store(bytes: Buffer, fileName: string, mimeType?: string): Promise<IBinaryData>;
	read(binary: IBinaryData): Promise<Buffer>;
	/** Deletes a stored binary's file, as a pruned or lost store would. */
	remove(binary: IBinaryData): void;
}>;
export const NODE_NAME: string;
/** The Generate parameters most engine tests start from (one 1024x1024 GPT Image 1 lighthouse). */
export const LIGHTHOUSE: INodeParameters;
export function delay(ms: number): Promise<void>;
export function waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;

export type ImageRun = (
	parameters?: INodeParameters,
	extra?: Omit<RunOptions, 'parameters' | 'credentials'>,
) => Promise<RunResult>;
export function imageRunner(
	credentials: () => RunOptions['credentials'],
	defaults: INodeParameters,
): ImageRun;

export interface WebhookCall {
	answer: import('n8n-workflow').IWebhookResponseData;
	status?: number;
	body?: Record<string, unknown>;
	items?: INodeExecutionData[];
}
/** Runs the node's webhook() as n8n does for a callback reaching the parked run. */
export function callWebhook(
	result: RunResult,
	body: Record<string, unknown>,
	query?: Record<string, string>,
): Promise<WebhookCall>;
