'use strict';
// Runs the package's triggers in n8n-core's own contexts: a poll in a real PollContext, a callback in a real
// WebhookContext, over a workflow whose static data is kept between calls as n8n keeps it (saved when a poll emits;
// after every webhook call).
const { PollContext, WebhookContext } = require('n8n-core');
const { Workflow } = require('n8n-workflow');

const { CredentialsHelper, recordingResponse } = require('./engine');

function load(relative) {
	return process.env.JEST_WORKER_ID
		? require(`../../${relative}.ts`)
		: require(`../../dist/${relative}.js`);
}
const { AceDataImagesPollTrigger } = load(
	'nodes/AceDataImagesPollTrigger/AceDataImagesPollTrigger.node',
);
const { AceDataImagesTrigger } = load('nodes/AceDataImagesTrigger/AceDataImagesTrigger.node');

const POLL_NAME = 'AceData Task Finished';
const WEBHOOK_NAME = 'AceData Callback';

function workflowWith(nodeType, node, staticData) {
	const nodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	return new Workflow({
		id: 'trigger-test',
		name: 'trigger test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		settings: {},
		// What n8n loads from its database: the last saved static data, a copy (JSON, as stored).
		staticData: JSON.parse(JSON.stringify(staticData ?? {})),
	});
}

function additionalData(credentials) {
	return {
		credentialsHelper: new CredentialsHelper(credentials),
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		variables: {},
		userId: 'trigger-test',
	};
}

function triggerNode(name, type, parameters) {
	return {
		id: 'c0ffee00-0000-4000-8000-000000000002',
		name,
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		webhookId: '5f0c0ffe-0000-4000-8000-00000000cafe',
		credentials: { aceDataCloudApi: { id: '1', name: 'AceData' } },
	};
}

/**
 * A polling trigger as n8n runs it: `poll(options)` runs one poll at `now` (a clock the test moves; real time
 * otherwise); its static data is saved, as n8n saves it, only when the poll emitted (or `commit`). Returns the
 * emitted items (or null) or the error the poll threw.
 */
function pollTrigger({ credentials, parameters = {}, staticData = {} }) {
	const state = { saved: JSON.parse(JSON.stringify(staticData)) };
	const trigger = new AceDataImagesPollTrigger();
	const node = triggerNode(POLL_NAME, 'CUSTOM.aceDataImagesPollTrigger', parameters);
	return {
		state,
		async poll({ mode = 'trigger', budgetMs } = {}) {
			const workflow = workflowWith(trigger, node, state.saved);
			const context = new PollContext(
				workflow,
				node,
				additionalData(credentials()),
				mode,
				'activate',
				undefined,
				undefined,
				undefined,
				undefined,
				undefined,
				budgetMs === undefined ? undefined : () => budgetMs,
			);
			try {
				const result = await trigger.poll.call(context);
				if (result !== null && mode !== 'manual')
					state.saved = JSON.parse(JSON.stringify(workflow.staticData));
				return { items: result?.[0] ?? null, staticData: workflow.staticData };
			} catch (error) {
				return { error, staticData: workflow.staticData };
			}
		},
	};
}

/** The webhook trigger as n8n serves it: each call loads the saved static data, runs webhook(), saves it again. */
function webhookTrigger({ credentials, parameters = {}, staticData = {} }) {
	const state = { saved: JSON.parse(JSON.stringify(staticData)) };
	const trigger = new AceDataImagesTrigger();
	const node = triggerNode(WEBHOOK_NAME, 'CUSTOM.aceDataImagesTrigger', parameters);
	return {
		state,
		async call(body) {
			const workflow = workflowWith(trigger, node, state.saved);
			const { sent, response } = recordingResponse();
			const data = {
				...additionalData(credentials()),
				httpRequest: { body, query: {}, headers: {}, params: {} },
				httpResponse: response,
			};
			const webhookData = {
				httpMethod: 'POST',
				path: 'callback',
				node: node.name,
				webhookDescription: { name: 'default', httpMethod: 'POST', path: 'callback' },
			};
			const context = new WebhookContext(workflow, node, data, 'webhook', webhookData, []);
			const answer = await trigger.webhook.call(context);
			state.saved = JSON.parse(JSON.stringify(workflow.staticData));
			return {
				answer,
				status: sent.status,
				body: sent.body,
				items: answer.workflowData?.[0],
			};
		},
	};
}

module.exports = { pollTrigger, webhookTrigger };
