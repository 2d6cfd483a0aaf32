'use strict';
// Runs the node through n8n-core's real WorkflowExecute (no n8n server, no mocks of the engine), with a tiny
// credentials helper that applies the credential's generic `authenticate` block, as n8n does.
const fs = require('fs');
const path = require('path');
const {
	WorkflowExecute,
	ExecutionLifecycleHooks,
	WebhookContext,
	BinaryDataService,
} = require('n8n-core');
const { Workflow, ICredentialsHelper, assertCredentialAllowsUrl } = require('n8n-workflow');

// Under jest the TypeScript sources are loaded; plain node (the benchmark) loads the built package from dist/.
function load(relative) {
	return process.env.JEST_WORKER_ID
		? require(`../../${relative}.ts`)
		: require(`../../dist/${relative}.js`);
}
const { AceDataImages } = load('nodes/AceDataImages/AceDataImages.node');
const { AceDataCloudApi } = load('credentials/AceDataCloudApi.credentials');

const NODE_TYPE = 'CUSTOM.aceDataImages';
const NODE_NAME = 'AceData Cloud Images';

const nodeTypes = {
	node: new AceDataImages(),
	getByName() {
		return this.node;
	},
	getByNameAndVersion() {
		return this.node;
	},
	getKnownTypes() {
		return {};
	},
};

const credentialType = new AceDataCloudApi();

/** Resolves `={{$credentials.x}}`-style values of a generic authenticate block. */
function resolveCredentialExpression(value, credentials) {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value
		.slice(1)
		.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key) => String(credentials[key] ?? ''));
}

class CredentialsHelper extends ICredentialsHelper {
	constructor(data) {
		super();
		this.data = data;
	}
	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	async authenticate(credentials, typeName, requestOptions) {
		if (typeName !== credentialType.name) return requestOptions;
		// A credential with Allowed HTTP Request Domains is held to them here, as an n8n that applies the list to every
		// node's own requests would (n8n 2.41 applies it to its HTTP Request and declarative nodes only): n8n's own check.
		if (credentials.allowedHttpRequestDomains !== undefined) {
			assertCredentialAllowsUrl({
				node: { name: NODE_NAME },
				credentialData: credentials,
				url: requestOptions.url,
			});
		}
		const headers = { ...(requestOptions.headers ?? {}) };
		for (const [key, value] of Object.entries(
			credentialType.authenticate.properties.headers ?? {},
		)) {
			headers[key] = resolveCredentialExpression(value, credentials);
		}
		return { ...requestOptions, headers };
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials() {
		throw new Error('not used');
	}
	async getDecrypted() {
		return this.data;
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties() {
		return credentialType.properties;
	}
}

/**
 * Executes the node once with the given parameters and input items.
 * Returns { items, error, run } where items are the node's output items (binary data inline, as base64).
 * `onStarted(cancel)` is called once the run started, with a function that cancels the execution.
 */
async function runNode({
	parameters,
	items = [{ json: {} }],
	credentials,
	continueOnFail = false,
	onStarted,
	webhookWaitingBaseUrl = 'http://127.0.0.1:5678/webhook-waiting',
	settings = {},
	mode = 'manual',
	contextData,
	earlierRuns = 0,
	executionId = '1',
}) {
	const node = {
		id: 'c0ffee00-0000-4000-8000-000000000001',
		name: NODE_NAME,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { aceDataCloudApi: { id: '1', name: 'AceData' } },
		...(continueOnFail ? { onError: 'continueRegularOutput', continueOnFail: true } : {}),
		// The node's Settings tab: Retry On Fail (retryOnFail, maxTries, waitBetweenTries), as n8n stores them.
		...settings,
	};
	const workflow = new Workflow({
		id: 'engine-test',
		name: 'engine test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings: {},
	});
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: 'engine-test',
		nodes: [node],
		connections: {},
	});
	let resolveFinished;
	const finished = new Promise((resolve) => (resolveFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveFinished(run));
	const additionalData = {
		credentialsHelper: new CredentialsHelper(credentials),
		hooks,
		executionId,
		executeWorkflow: async () => {
			throw new Error('not supported in engine tests');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl,
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		variables: {},
		userId: 'engine-test',
	};
	// A loop's later run: n8n runs the node at the next run index after its earlier runs' data.
	const earlier = Array.from({ length: earlierRuns }, () => ({
		startTime: 0,
		executionTime: 0,
		executionIndex: 0,
		source: [],
		data: { main: [[]] },
	}));
	const runExecutionData = {
		startData: {},
		resultData: { runData: earlierRuns ? { [NODE_NAME]: earlier } : {} },
		executionData: {
			// A retried execution starts from the failed one's saved data, node contexts included (JSON, as n8n stores it).
			contextData: contextData ? JSON.parse(JSON.stringify(contextData)) : {},
			metadata: {},
			nodeExecutionStack: [{ node, data: { main: [items] }, source: null }],
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	};
	const execute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const promise = execute.processRunExecutionData(workflow);
	if (onStarted) onStarted(() => promise.cancel());
	let run;
	try {
		run = await promise;
	} catch (error) {
		run = await finished;
	}
	const task = run.data.resultData.runData[NODE_NAME]?.[earlierRuns];
	return {
		run,
		error: run.data.resultData.error ?? task?.error,
		items: task?.data?.main?.[0] ?? [],
		hints: task?.hints ?? [],
		contextData: JSON.parse(JSON.stringify(run.data.executionData?.contextData ?? {})),
		context: { workflow, node, additionalData },
	};
}

/** An HTTP response as a webhook sees it (status().json()), recording what the node sent. */
function recordingResponse() {
	const sent = {};
	const response = {
		status(code) {
			sent.status = code;
			return response;
		},
		json(payload) {
			sent.body = payload;
			return response;
		},
	};
	return { sent, response };
}

/**
 * What n8n does when a callback reaches a parked execution: the node's webhook() runs in a real WebhookContext over
 * the parked run data. Returns its answer, the status and body it sent itself, and the items it resumes with.
 */
async function callWebhook(result, body, query = {}) {
	const { workflow, node, additionalData } = result.context;
	const { sent, response } = recordingResponse();
	const data = {
		...additionalData,
		httpRequest: { body, query, headers: {}, params: {} },
		httpResponse: response,
	};
	const webhookData = {
		httpMethod: 'POST',
		path: '',
		node: node.name,
		webhookDescription: { name: 'default', httpMethod: 'POST', path: '', restartWebhook: true },
	};
	const context = new WebhookContext(
		workflow,
		node,
		data,
		'manual',
		webhookData,
		[],
		result.run.data,
	);
	const answer = await new AceDataImages().webhook.call(context);
	return { answer, status: sent.status, body: sent.body, items: answer.workflowData?.[0] };
}

/**
 * A runner for one operation: `defaults` under each call's parameters, their `options` merged too.
 * run(parameters, { items, continueOnFail, onStarted }).
 */
function imageRunner(credentials, defaults) {
	return (parameters = {}, extra = {}) =>
		runNode({
			parameters: {
				...defaults,
				...parameters,
				options: { ...defaults.options, ...parameters.options },
			},
			credentials: credentials(),
			...extra,
		});
}

/**
 * n8n's binary store on disk (filesystem mode, as a served n8n keeps binaries) for the rest of this test file:
 * store() puts bytes in it as an upstream node would (a binary with an id), read() gets them back, and `reads`
 * counts how the node read stored binaries: whole (getAsBuffer) or streamed (getAsStream).
 */
async function useFilesystemBinaryStore() {
	// n8n-core's own dependency injection container (the engine's), not another copy of @n8n/di.
	const { Container } = require(
		require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }),
	);
	const service = Container.get(BinaryDataService);
	service.config.mode = 'filesystem';
	service.config.localStoragePath = path.join(process.env.N8N_USER_FOLDER, 'storage');
	fs.mkdirSync(service.config.localStoragePath, { recursive: true });
	await service.init();
	const reads = { whole: 0, streamed: 0 };
	const getAsBuffer = service.getAsBuffer.bind(service);
	const getAsStream = service.getAsStream.bind(service);
	service.getAsBuffer = async (binary) => {
		if (binary.id) reads.whole++;
		return await getAsBuffer(binary);
	};
	service.getAsStream = async (...args) => {
		reads.streamed++;
		return await getAsStream(...args);
	};
	const location = { type: 'execution', workflowId: 'engine-test', executionId: 'upstream' };
	return {
		reads,
		store: async (bytes, fileName, mimeType = 'application/octet-stream') =>
			await service.store(location, bytes, { data: '', mimeType, fileName }),
		read: async (binary) => await getAsBuffer(binary),
		/** Deletes a stored binary's file, as a pruned or lost store would. */
		remove: (binary) => fs.rmSync(service.getPath(binary.id), { force: true }),
	};
}

/** The bytes of an output binary (kept inline by the engine without a binary data manager). */
function binaryBytes(binary) {
	return Buffer.from(binary.data, 'base64');
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `predicate()` is true (checked every 10 ms); rejects after `timeoutMs`. */
async function waitFor(predicate, timeoutMs = 10000) {
	const until = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > until) throw new Error('waitFor: condition not met in time');
		await delay(10);
	}
}

/** The Generate parameters most engine tests start from (one 1024x1024 GPT Image 1 lighthouse). */
const LIGHTHOUSE = {
	resource: 'image',
	operation: 'generate',
	model: 'gpt-image-1',
	prompt: 'A lighthouse',
	n: 1,
	size: '1024x1024',
};

module.exports = {
	CredentialsHelper,
	recordingResponse,
	LIGHTHOUSE,
	callWebhook,
	runNode,
	imageRunner,
	binaryBytes,
	useFilesystemBinaryStore,
	delay,
	waitFor,
	NODE_NAME,
};
