import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { Failure, type FailureData } from '../failure/failure';
import { DEFAULT_TIMEOUT_SECONDS } from '../models/defaults';
import { checkBaseUrl } from './baseUrl';
import { redact } from './schemas';

/** The credential every call authenticates with (`AceDataCloudApi.credentials.ts`). */
export const CREDENTIAL_TYPE = 'aceDataCloudApi';

/** Where the client runs and emits files: a node's execution, a webhook (a callback), a trigger's poll. */
export type NodeContext = IExecuteFunctions | IWebhookFunctions | IPollFunctions;
/** Every context the client runs in: the editor too (the live model list). */
export type ClientContext = NodeContext | ILoadOptionsFunctions;

export interface ClientOptions {
	baseUrl: string;
	/** Only used to scrub the token from anything the node reports; auth goes through n8n's credential. */
	token: string;
	timeoutMs: number;
	itemIndex: number;
	/**
	 * Ends free calls and waits early: the execution's cancel signal, or the node's own stop after a failure.
	 * Billed submissions listen to the execution's cancel signal only (aborting one mid-way makes it ambiguous).
	 */
	signal?: AbortSignal;
}

export interface CreateOptions {
	itemIndex: number;
	timeoutSeconds?: number;
	signal?: AbortSignal;
}

/** A Timeout option in ms: the item's own, or the default when it set none. */
export function timeoutMsOf(timeoutSeconds: number | undefined): number {
	return (timeoutSeconds && timeoutSeconds > 0 ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS) * 1000;
}

/** The client's options from the item's credential: the Base URL checked, the token kept for scrubbing, the Timeout. */
export async function readClientOptions(
	ctx: ClientContext,
	{ itemIndex, timeoutSeconds, signal }: CreateOptions,
): Promise<ClientOptions> {
	// The item index matters in an execution (credentials may differ per item); other contexts ignore it.
	const credentials = await (ctx as IExecuteFunctions).getCredentials<IDataObject>(
		CREDENTIAL_TYPE,
		itemIndex,
	);
	return {
		baseUrl: checkBaseUrl(credentials.baseUrl),
		token: typeof credentials.apiToken === 'string' ? credentials.apiToken : '',
		timeoutMs: timeoutMsOf(timeoutSeconds),
		itemIndex,
		signal,
	};
}

/**
 * What every call of one client shares: n8n's context, the options, the token scrubbed from what the node reports,
 * and the signals that end calls and waits early.
 */
export class Session {
	constructor(
		readonly ctx: ClientContext,
		readonly options: ClientOptions,
	) {}

	/** A failure of this client's item, scrubbed of the token. */
	failure(data: FailureData): Failure {
		const scrub = (text: string | undefined) =>
			text === undefined ? undefined : redact(text, this.options.token);
		return new Failure({
			...data,
			code: redact(data.code, this.options.token),
			text: redact(data.text, this.options.token),
			taskId: scrub(data.taskId),
			traceId: scrub(data.traceId),
			hint: scrub(data.hint),
		});
	}

	/** The text with the token replaced: for anything the node quotes. */
	scrub(text: string): string {
		return redact(text, this.options.token);
	}

	/** The execution's cancel signal: what a billed submission listens to. */
	executionSignal(): AbortSignal | undefined {
		// A webhook (a callback being answered) or the editor has no execution to cancel.
		return 'getExecutionCancelSignal' in this.ctx &&
			typeof this.ctx.getExecutionCancelSignal === 'function'
			? this.ctx.getExecutionCancelSignal()
			: undefined;
	}

	/** What ends free calls and waits early: the client's own signal, else the execution's. */
	signal(): AbortSignal | undefined {
		return this.options.signal ?? this.executionSignal();
	}

	/** True once the execution was cancelled or the node stopped its remaining work. */
	cancelled(): boolean {
		return this.signal()?.aborted === true;
	}
}
