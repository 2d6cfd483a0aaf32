'use strict';
// Drives a real, provisioned n8n: a user folder, the built package packed and installed as a community package, a credential
// (the simulator or the real API), workflows imported, then `n8n execute` headless or `n8n start` with the editor.
// Used by the end-to-end suite, `npm run demo` and `npm start`.
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const { endChild, freePort } = require('./services');

const ROOT = path.join(__dirname, '..', '..');
const CREDENTIAL_ID = 'acedataCredential';
/** Type name of the node in published workflows (n8n loads the package as a community package). */
const NPM_TYPE = 'n8n-nodes-acedata-images.aceDataImages';

const VERSIONS = {
	'2.41.1': { major: 2, node: 'node24' },
	'1.123.81': { major: 1, node: 'system' },
};

/** Installs (or reuses) the pinned n8n versions; returns the cache layout the script reports. */
function provision(which) {
	const out = execFileSync('bash', [path.join(ROOT, 'scripts', 'provision-n8n.sh'), which], {
		stdio: ['ignore', 'pipe', 'inherit'],
		maxBuffer: 10 * 1024 * 1024,
	});
	const lines = out.toString().trim().split('\n');
	return JSON.parse(lines[lines.length - 1]);
}

/** The packed package (`npm pack`: what would be published), in `into`; returns the tarball's path. */
function packPackage(into) {
	const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', into], { cwd: ROOT, env: cleanNpmEnv() });
	const name = out.toString().trim().split('\n').pop();
	return path.join(into, name);
}

/** This environment without the npm_config_* settings an npm script hands down (this project's ignore-scripts). */
function cleanNpmEnv() {
	return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_config_')));
}

/**
 * Installs the packed package into a user folder exactly as n8n's Settings › Community Nodes does (its
 * CommunityPackagesService.downloadPackage): the tarball unpacked into `~/.n8n/nodes/node_modules/<name>`, its
 * dev/peer/optional dependencies dropped, `npm install` there with n8n's flags, the dependency recorded in
 * `~/.n8n/nodes/package.json`. n8n loads every package of that folder at start, under its published type names.
 * Only the fetch differs: the tarball is this checkout's, not the registry's.
 */
function installLikeCommunityNodes(tarball, userFolder) {
	const nodes = path.join(userFolder, '.n8n', 'nodes');
	const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const target = path.join(nodes, 'node_modules', manifest.name);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	const packed = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'));
	delete packed.devDependencies;
	delete packed.peerDependencies;
	delete packed.optionalDependencies;
	fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify(packed, null, 2));
	execFileSync(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
		{ cwd: target, env: cleanNpmEnv(), stdio: 'pipe' },
	);
	fs.writeFileSync(
		path.join(nodes, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [manifest.name]: packed.version } }, null, 2),
	);
}

function run(command, args, env, timeoutMs = 240000) {
	return new Promise((resolve) => {
		const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
		const stdout = [];
		const stderr = [];
		child.stdout.on('data', (chunk) => stdout.push(chunk));
		child.stderr.on('data', (chunk) => stderr.push(chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
		});
	});
}

/** Resolves once GET url answers 200, checking every 500 ms up to timeoutMs. */
async function waitForHttp(url, timeoutMs) {
	const until = Date.now() + timeoutMs;
	while (Date.now() < until) {
		const ok = await new Promise((resolve) => {
			const req = http.get(url, (res) => {
				res.resume();
				resolve(res.statusCode === 200);
			});
			req.on('error', () => resolve(false));
			req.setTimeout(2000, () => req.destroy());
		});
		if (ok) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** The run JSON `--rawOutput` prints among n8n's log lines (which may come before and after it). */
function parseRun(stdout) {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	if (start < 0) return undefined;
	for (let end = lines.length - 1; end > start; end--) {
		if (lines[end] !== '}') continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n'));
		} catch {
			// a log line that happens to be a lone brace: try an earlier one
		}
	}
	return undefined;
}

/** Statuses of an execution that has ended (1.x may report a running one as `unknown` at first). */
const ENDED = ['success', 'error', 'crashed', 'canceled'];

/** An execution that has ended and whose run data n8n has saved (1.x may answer with the status first). */
function ended(execution) {
	const result = execution.data?.resultData;
	return ENDED.includes(execution.status) && Boolean(execution.stoppedAt) && Boolean(result?.runData?.[result.lastNodeExecuted]);
}

/**
 * Queue mode (n8n's scaling mode): executions go through Redis to workers, everything is stored in Postgres,
 * binary data too, so that main and workers see the same files. Manual runs are sent to workers as well.
 */
function queueEnv({ redis, postgres }) {
	return {
		EXECUTIONS_MODE: 'queue',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_DATABASE: postgres.database,
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		// n8n 1.x offers the database mode only when it is listed (otherwise it keeps binaries inline, base64).
		N8N_AVAILABLE_BINARY_DATA_MODES: 'filesystem,database',
	};
}

class N8n {
	/**
	 * version: a key of VERSIONS. baseUrl/token: what the credential points at.
	 * workflowDirs: folders of workflow JSON to import. dir: a folder to keep (default: a fresh temporary one).
	 */
	constructor(version, { baseUrl, token, workflowDirs = [], dir, outputDir, serverPort, extraCredentials = [], queue }) {
		this.queue = queue;
		this.extraCredentials = extraCredentials;
		this.serverPort = serverPort;
		this.version = version;
		this.major = VERSIONS[version].major;
		this.baseUrl = baseUrl;
		this.token = token;
		this.workflowDirs = workflowDirs;
		this.dir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `acedata-n8n${this.major}-`));
		fs.mkdirSync(this.dir, { recursive: true });
		this.userFolder = path.join(this.dir, 'user');
		this.outputDir = outputDir ?? path.join(this.dir, 'files');
		fs.mkdirSync(this.userFolder, { recursive: true });
		fs.mkdirSync(this.outputDir, { recursive: true });
	}

	async setup() {
		this.serverPort ??= await freePort();
		const layout = provision(String(this.major));
		const install = this.major === 2 ? layout.n8n2 : layout.n8n1;
		this.bin = path.join(install, 'node_modules', 'n8n', 'bin', 'n8n');
		this.nodeBin = this.major === 2 ? layout.node24 : process.execPath;
		// The package as users get it: packed, then installed the way Settings › Community Nodes installs it.
		this.tarball = packPackage(this.dir);
		installLikeCommunityNodes(this.tarball, this.userFolder);
		const env = { ...process.env };
		// Jest sets NODE_ENV=test, which silences n8n's logger and with it the run output.
		delete env.NODE_ENV;
		for (const key of Object.keys(env)) if (key.startsWith('N8N_') || key.startsWith('JEST')) delete env[key];
		this.env = {
			...env,
			PATH: `${path.dirname(this.nodeBin)}:${env.PATH}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'e2e-encryption-key',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_RESTRICT_FILE_ACCESS_TO: this.outputDir,
			N8N_SECURE_COOKIE: 'false',
			// No calls home: the machine has no network, and a test must not depend on one.
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			...(this.major === 1 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : { N8N_DISABLED_MODULES: 'mcp-registry' }),
			...(this.queue ? queueEnv(this.queue) : {}),
		};
		const credentials = path.join(this.dir, 'credentials.json');
		fs.writeFileSync(
			credentials,
			// The suite's own credential last: the editor preselects the newest one of a type.
			JSON.stringify([
				...this.extraCredentials,
				{
					id: CREDENTIAL_ID,
					name: 'AceData Cloud account',
					type: 'aceDataCloudApi',
					data: { apiToken: this.token, baseUrl: this.baseUrl },
				},
			]),
		);
		await this.cli(['import:credentials', `--input=${credentials}`]);
		fs.rmSync(credentials);
		const workflows = path.join(this.dir, 'workflows');
		fs.rmSync(workflows, { recursive: true, force: true });
		fs.mkdirSync(workflows);
		for (const source of this.workflowDirs) {
			for (const name of fs.readdirSync(source).filter((file) => file.endsWith('.json'))) {
				fs.writeFileSync(path.join(workflows, name), this.localize(fs.readFileSync(path.join(source, name), 'utf8')));
			}
		}
		if (fs.readdirSync(workflows).length) await this.cli(['import:workflow', '--separate', `--input=${workflows}`]);
	}

	/** Points a workflow at this n8n: the imported credential, the output folder. */
	localize(text) {
		return text
			.replaceAll('__OUTPUT_DIR__', this.outputDir)
			.replaceAll('/home/node/.n8n-files/acedata-images', this.outputDir)
			.replaceAll('__CREDENTIAL_ID__', CREDENTIAL_ID)
			.replaceAll('__CALLBACK_URL__', `${this.serverUrl}/webhook/acedata-e2e-callback`);
	}

	get serverUrl() {
		return `http://127.0.0.1:${this.serverPort}`;
	}

	/** Creates the owner account of a served n8n and returns a logged-in REST session (as the editor uses it). */
	async ownerSession() {
		const headers = { 'content-type': 'application/json', 'browser-id': 'acedata-e2e-browser' };
		let setup = await fetch(`${this.serverUrl}/rest/owner/setup`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Passw0rd-e2e' }),
		});
		if (!setup.ok && this.ownerCreated) {
			// Started again (a restart): the owner exists, sign in instead (1.x names the field email, 2.x not).
			setup = await fetch(`${this.serverUrl}/rest/login`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ email: 'owner@example.com', emailOrLdapLoginId: 'owner@example.com', password: 'Passw0rd-e2e' }),
			});
		}
		if (!setup.ok) throw new Error(`owner setup failed: ${setup.status} ${await setup.text()}`);
		this.ownerCreated = true;
		const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0];
		const call = async (method, route, body) => {
			const response = await fetch(`${this.serverUrl}/rest${route}`, {
				method,
				headers: { ...headers, cookie },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
			return JSON.parse(text).data;
		};
		return {
			call,
			cookie,
			/** The id of the running execution of a workflow (the shapes of 1.x and 2.x both). */
			runningExecution: async (workflowId) => {
				const filter = encodeURIComponent(JSON.stringify({ workflowId, status: ['running'] }));
				const data = await call('GET', `/executions?filter=${filter}`);
				const list = Array.isArray(data) ? data : (data.results ?? data.data ?? []);
				const running = list.find((execution) => execution.status === 'running' || !execution.stoppedAt);
				if (!running) throw new Error(`no running execution of ${workflowId}: ${JSON.stringify(data).slice(0, 500)}`);
				return running.id;
			},
			testCredential: (data, id = CREDENTIAL_ID) =>
				call('POST', '/credentials/test', {
					credentials: { id, name: 'AceData Cloud account', type: 'aceDataCloudApi', data },
				}),
			/** What the editor's Model list loads (the node's loadOptions method), with the given credential. */
			loadOptions: (methodName, credentialId = CREDENTIAL_ID) =>
				call('POST', '/dynamic-node-parameters/options', {
					nodeTypeAndVersion: { name: NPM_TYPE, version: 1 },
					path: 'model',
					methodName,
					currentNodeParameters: { resource: 'image', operation: 'generate' },
					credentials: { aceDataCloudApi: { id: credentialId, name: 'AceData Cloud account' } },
				}),
		};
	}

	/** Activates a workflow so its triggers (webhooks) run once the server starts. */
	async activate(workflowId) {
		if (this.major >= 2) await this.cli(['publish:workflow', `--id=${workflowId}`]);
		else await this.cli(['update:workflow', `--id=${workflowId}`, '--active=true']);
	}

	/**
	 * Serves n8n (`n8n start`) on serverPort; resolves once it is healthy. stdio 'inherit' shows its log
	 * (npm start); the default keeps it quiet (tests). stop() ends it.
	 */
	async serve({ verbose = false, timeoutMs = 180000, onLog, env: extraEnv = {} } = {}) {
		const env = {
			...this.env,
			N8N_PORT: String(this.serverPort),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			WEBHOOK_URL: `${this.serverUrl}/`,
			...extraEnv,
		};
		// n8n answers /healthz before it has activated the workflows; it says "Editor is now accessible" after.
		const started = await this.launch('start', env, 'Editor is now accessible', { verbose, timeoutMs, onLog, healthUrl: `${this.serverUrl}/healthz` });
		return { ...started, url: this.serverUrl };
	}

	/**
	 * Starts `n8n <command>` and resolves once it has logged `readyText` (and healthUrl answers, if given);
	 * returns the child and stop(), which ends it (SIGTERM, SIGKILL 15 s later).
	 */
	async launch(command, env, readyText, { verbose = false, timeoutMs = 180000, onLog, healthUrl } = {}) {
		const child = spawn(this.nodeBin, [this.bin, command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
		const exited = new Promise((resolve) => child.once('exit', resolve));
		const ready = new Promise((resolve) => {
			let seen = '';
			const watch = (stream, target) =>
				stream.on('data', (chunk) => {
					if (verbose) target.write(chunk);
					onLog?.(chunk.toString());
					seen = (seen + chunk.toString()).slice(-2000);
					if (seen.includes(readyText)) resolve();
				});
			watch(child.stdout, process.stdout);
			watch(child.stderr, process.stderr);
		});
		let timer;
		await Promise.race([
			Promise.all([ready, healthUrl && waitForHttp(healthUrl, timeoutMs)]),
			exited.then((code) => {
				throw new Error(`n8n ${command} exited with ${code}`);
			}),
			new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error(`n8n ${command} did not start within ${timeoutMs / 1000} s`)), timeoutMs);
			}),
		]).finally(() => clearTimeout(timer));
		return {
			child,
			stop: () => endChild(child, exited),
		};
	}

	/** Starts a queue-mode worker (`n8n worker`) beside the served main process; its log goes to workerLog. */
	async startWorker() {
		if (!this.queue) throw new Error('a worker needs queue mode (the queue option)');
		this.workerLog ??= [];
		// A user folder of its own: nothing on main's disk can stand in for what must come through Postgres. The
		// package is installed there too (a worker without it fails with "Unrecognized node type").
		const userFolder = path.join(this.dir, 'worker-user');
		installLikeCommunityNodes(this.tarball, userFolder);
		const env = {
			...this.env,
			N8N_USER_FOLDER: userFolder,
			// The worker makes `$execution.resumeUrl`: without WEBHOOK_URL it names its own localhost:5678.
			WEBHOOK_URL: `${this.serverUrl}/`,
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
		};
		this.worker = await this.launch('worker', env, 'n8n worker is now ready', { onLog: (text) => this.workerLog.push(text) });
		return this.worker;
	}

	/**
	 * Starts this n8n once for a whole suite (`n8n start`, owner account, REST session); run() then executes
	 * workflows through its REST API, as the editor's Execute button does. Returns the session.
	 */
	async start({ env } = {}) {
		this.logLines ??= [];
		this.server = await this.serve({ env, onLog: (text) => this.logLines.push(text) });
		this.session = await this.ownerSession();
		const flattedPath = require.resolve('flatted', { paths: [path.dirname(path.dirname(this.bin))] });
		this.flatted = require(flattedPath);
		return this.session;
	}

	async stop() {
		await Promise.all([this.server?.stop(), this.worker?.stop()]);
		this.server = undefined;
		this.worker = undefined;
	}

	/** What n8n logged since `from` (an index into the log), to look for a token that must never appear. */
	logSince(from = 0) {
		return this.logLines.slice(from).join('');
	}

	/** Reads an execution over REST; `data` unflattened. */
	async getExecution(executionId) {
		const execution = await this.session.call('GET', `/executions/${executionId}`);
		return { ...execution, data: typeof execution.data === 'string' ? this.flatted.parse(execution.data) : execution.data };
	}

	/** Waits (on the execution's own state, not a fixed pause) until it satisfies `done`; returns it. */
	async waitForExecution(executionId, done = ended, timeoutMs = 240000, intervalMs = this.pollMs ?? 100) {
		const until = Date.now() + timeoutMs;
		for (;;) {
			const execution = await this.getExecution(executionId);
			if (done(execution)) return execution;
			if (Date.now() > until) throw new Error(`execution ${executionId} is still ${execution.status} after ${timeoutMs / 1000} s`);
			await new Promise((resolve) => setTimeout(resolve, intervalMs));
		}
	}

	/**
	 * Starts a workflow's manual run on the served n8n (as the editor does) and returns its execution id at once.
	 */
	async startRun(workflowId) {
		const workflow = await this.session.call('GET', `/workflows/${workflowId}`);
		const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
		const started = await this.session.call('POST', `/workflows/${workflowId}/run`, {
			workflowData: workflow,
			triggerToStartFrom: { name: trigger.name },
		});
		if (!started?.executionId) throw new Error(`n8n did not start ${workflowId}: ${JSON.stringify(started)}`);
		return started.executionId;
	}

	/**
	 * Runs a workflow on the served n8n and waits for it to end; the same shape as execute(): code (0 = success),
	 * run data, output(node), error, and `stdout`/`stderr` (the execution as JSON and what n8n logged meanwhile).
	 */
	async run(workflowId) {
		const logFrom = this.logLines.length;
		const executionId = await this.startRun(workflowId);
		const execution = await this.waitForExecution(executionId);
		return this.result(execution, logFrom);
	}

	result(execution, logFrom = 0) {
		const data = execution.data;
		const error = data?.resultData?.error;
		return {
			executionId: execution.id,
			status: execution.status,
			code: execution.status === 'success' ? 0 : 1,
			data: { data },
			stdout: [error?.message, error?.description, JSON.stringify(data)].filter(Boolean).join('\n'),
			stderr: this.logSince(logFrom),
			error,
			output: (nodeName, run = 0) => data?.resultData?.runData?.[nodeName]?.[run]?.data?.main?.[0] ?? [],
		};
	}

	async cli(args) {
		const result = await run(this.nodeBin, [this.bin, ...args], this.env);
		if (result.code !== 0) {
			throw new Error(`n8n ${args[0]} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
		}
		return result;
	}

	/** Executes an imported workflow; returns exit code, parsed run data, the raw output, and node outputs. */
	async execute(workflowId) {
		// Its own task broker port, so that it can run beside a served n8n or another version's execution.
		const env = { ...this.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		const result = await run(this.nodeBin, [this.bin, 'execute', `--id=${workflowId}`, '--rawOutput'], env);
		const data = parseRun(result.stdout);
		return {
			...result,
			data,
			output: (nodeName) => data?.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0] ?? [],
			error: data?.data?.resultData?.error,
		};
	}

	/** The bytes n8n stored for a binary: on disk in 2.x (filesystem mode), inline base64 in 1.x. */
	binaryBytes(binary) {
		if (binary.id) {
			const [mode, relative] = binary.id.split(/:(.*)/s);
			if (!mode.startsWith('filesystem')) throw new Error(`unexpected binary mode ${mode}`);
			return fs.readFileSync(path.join(this.userFolder, '.n8n', 'storage', relative));
		}
		return Buffer.from(binary.data, 'base64');
	}

	/** The bytes of a binary wherever n8n stored it; database mode (queue) is read back through main's REST API. */
	async storedBytes(binary) {
		if (!binary.id?.startsWith('database')) return this.binaryBytes(binary);
		const response = await fetch(`${this.serverUrl}/rest/binary-data?id=${encodeURIComponent(binary.id)}&action=download`, {
			headers: { cookie: this.session.cookie, 'browser-id': 'acedata-e2e-browser' },
		});
		if (!response.ok) throw new Error(`binary ${binary.id}: ${response.status} ${await response.text()}`);
		return Buffer.from(await response.arrayBuffer());
	}

	cleanup() {
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

module.exports = { N8n, VERSIONS, CREDENTIAL_ID, NPM_TYPE, ROOT, provision };
