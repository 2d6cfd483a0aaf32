/**
 * Where AceData's sources contradict each other the simulator plays both sides (contract.json names the flags), and
 * the node must work with both. Also the live model list, from the simulator's `GET /openai/models`.
 */
import type { IDataObject, IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import { listEditModels, listModels } from '../../nodes/AceDataImages/methods/loadOptions';
import { binaryBytes, imageRunner } from '../harness/engine';
import { closedPort } from '../harness/network';
import { TOKEN, useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator();
const billed = () => simulator.billed();

const generate = imageRunner(credentials, {
	resource: 'image',
	operation: 'generate',
	model: 'gpt-image-1',
	prompt: 'A heron',
	n: 1,
	size: '1024x1024',
	delivery: 'wait',
	options: { pollInterval: 0.05 },
});

describe('both sides of each contradiction', () => {
	it.each(['url', 'b64_json'] as const)(
		'GPT image answers as %s: the same file either way',
		async (answer) => {
			simulator.config.gptImageAnswer = answer;
			const { items, error } = await generate({ n: 2, options: { outputFormat: 'webp' } });
			expect(error).toBeUndefined();
			expect(items.map((item) => item.binary?.data.mimeType)).toEqual(['image/webp', 'image/webp']);
			expect(items.map((item) => binaryBytes(item.binary?.data))).toEqual(simulator.sentImages());
		},
	);

	it('the older answer shape (only created and data): images emitted, named by the trace ID the node sent', async () => {
		simulator.config.legacySyncAnswer = true;
		const { items, error } = await generate({});
		expect(error).toBeUndefined();
		expect(items[0].json.taskId).toBeUndefined();
		expect(items[0].json.traceId).toBe(billed()[0].body?.trace_id);
		expect(binaryBytes(items[0].binary?.data)).toEqual(simulator.sentImages()[0]);
	});

	it('tasks stored only with a callback URL: Poll without one fails clearly, naming the paid task', async () => {
		simulator.config.storeOnlyWithCallback = true;
		const { items } = await generate({ delivery: 'poll' }, { continueOnFail: true });
		const taskId = billed()[0].taskId;
		expect(items[0].json.error).toContain(`AceData has no record of task ${taskId}`);
		expect(items[0].json).toMatchObject({ taskId, billing: 'paid' });
		expect(billed()).toHaveLength(1);
	});

	it('tasks stored only with a callback URL: Wait with a callback URL still gets the images', async () => {
		simulator.config.storeOnlyWithCallback = true;
		const { items, error } = await generate({
			options: { pollInterval: 0.05, callbackUrl: `${simulator.url}/__sim/sink/x` },
		});
		expect(error).toBeUndefined();
		expect(binaryBytes(items[0].binary?.data)).toEqual(simulator.sentImages()[0]);
	});
});

/** Just enough of n8n's load-options context: the credential, and an authenticated request over HTTP. */
function loadOptionsContext(baseUrl: string): ILoadOptionsFunctions {
	const request = async (_type: string, options: IHttpRequestOptions) => {
		const response = await fetch(options.url, {
			method: options.method,
			headers: { authorization: `Bearer ${TOKEN}` },
			signal: AbortSignal.timeout(5000),
		});
		const body = (await response.json()) as IDataObject;
		// As n8n's helper: the full response when asked (the node's client always asks), else the body.
		if (options.returnFullResponse) return { statusCode: response.status, headers: {}, body };
		if (!response.ok) throw new Error(`HTTP ${response.status}`);
		return body;
	};
	return {
		getCredentials: async () => ({ apiToken: TOKEN, baseUrl }),
		helpers: { httpRequestWithAuthentication: request },
	} as unknown as ILoadOptionsFunctions;
}

describe('the Model list, loaded live', () => {
	it('lists the known models, then image models AceData offers that the table does not know, then Custom', async () => {
		simulator.config.extraModels = ['gpt-image-3-preview'];
		const options = await listModels.call(loadOptionsContext(simulator.url));
		const values = options.map((option) => option.value);
		expect(values.slice(0, 3)).toEqual(['dall-e-3', 'gpt-image-1', 'gpt-image-1.5']);
		// Retired by AceData: still listed for saved workflows, last of the known models, and labelled so.
		expect(options.find((option) => option.value === 'dall-e-2')?.name).toBe('DALL·E 2 (Retired)');
		expect(values.indexOf('dall-e-2')).toBe(values.indexOf('nano-banana-pro') + 1);
		expect(values).toContain('nano-banana-pro');
		expect(values.slice(-2)).toEqual(['gpt-image-3-preview', 'custom']);
		expect(values).not.toContain('gpt-4o-mini'); // a chat model on the same list
		expect(simulator.requests.map((entry) => [entry.method, entry.path])).toEqual([
			['GET', '/openai/models'],
		]);
	});

	it('offers only models that edit for Edit', async () => {
		const values = (await listEditModels.call(loadOptionsContext(simulator.url))).map(
			(option) => option.value,
		);
		expect(values).not.toContain('dall-e-3');
		expect(values).toContain('gpt-image-2');
	});

	it('falls back to the built-in list when AceData cannot be reached', async () => {
		const offline = await listModels.call(
			loadOptionsContext(`http://127.0.0.1:${await closedPort()}`),
		);
		const online = await listModels.call(loadOptionsContext(simulator.url));
		expect(offline.map((option) => option.value)).toEqual(online.map((option) => option.value));
	});

	it('a model from the list that the table does not know is sent verbatim, with generic checks only', async () => {
		simulator.config.extraModels = ['gpt-image-3-preview'];
		const { error } = await generate({
			model: 'gpt-image-3-preview',
			size: '4096x4096',
			options: { quality: 'hd' },
		});
		expect(error).toBeUndefined();
		expect(billed()[0].body).toMatchObject({
			model: 'gpt-image-3-preview',
			size: '4096x4096',
			quality: 'hd',
		});
		const refused = await generate({ model: 'gpt-image-3-preview', size: 'huge' });
		expect(refused.error?.message).toContain('Parameter "Size"');
	});
});
