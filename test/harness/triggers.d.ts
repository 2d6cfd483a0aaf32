import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	IWebhookResponseData,
} from 'n8n-workflow';

interface TriggerOptions {
	credentials: () => { apiToken: string; baseUrl: string; [key: string]: unknown };
	parameters?: INodeParameters;
	staticData?: IDataObject;
}

export function pollTrigger(options: TriggerOptions): {
	state: { saved: IDataObject };
	poll(options?: { mode?: 'trigger' | 'manual'; budgetMs?: number }): Promise<{
		items?: INodeExecutionData[] | null;
		error?: Error & { description?: string };
		staticData: IDataObject;
	}>;
};

export function webhookTrigger(options: TriggerOptions): {
	state: { saved: IDataObject };
	call(body: unknown): Promise<{
		answer: IWebhookResponseData;
		status?: number;
		body?: IDataObject;
		items?: INodeExecutionData[];
	}>;
};
