'use strict';
// Drives a real, provisioned n8n: a user folder, the built package packed and installed as a community package, a credential
// (the simulator or the real API), workflows imported, then `n8n execute` headless or `n8n start` with the editor.
// Used by the end-to-end suite, `npm run demo` and `npm start`.
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { monitorEventLoopDelay } = require('perf_hooks');

const { endChild, freePort } = require('./services');

const ROOT = path.join(__dirname, '..', '..');
const CREDENTIAL_ID = 'acedataCredential';
/** Type name of the node in published workflows (n8n loads the package as a community package). */
const NPM_TYPE = 'n8n-nodes-acedata-images.aceDataImages';

/** The pinned n8n versions (scripts/lib/versions.json, the one place they are written) and how each runs. */
const PINNED = require('./versions.json');
const VERSIONS = {
	[PINNED.n8n2]: { major: 2, node: 'node24' },
	[PINNED.n8n1]: { major: 1, node: 'system' },
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
	const out = execFileSync(
		'npm',
		['pack', '--ignore-scripts', '--silent', '--pack-destination', into],
		{ cwd: ROOT, env: cleanNpmEnv() },
	);
	const name = out.toString().trim().split('\n').pop();
	return path.join(into, name);
}

/** This environment without the npm_config_* settings an npm script hands down (this project's ignore-scripts). */
function cleanNpmEnv() {
	return Object.fromEntries(
		Object.entries(process.env).filter(([key]) => !key.startsWith('npm_config_')),
	);
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
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: target, env: cleanNpmEnv(), stdio: 'pipe' },
	);
	fs.writeFileSync(
		path.join(nodes, 'package.json'),
		JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { [manifest.name]: packed.version } },
			null,
			2,
		),
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
			resolve({
				code,
				stdout: Buffer.concat(stdout).toString(),
				stderr: Buffer.concat(stderr).toString(),
			});
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

/**
 * One HTTP request to n8n on a connection of its own (`agent: false`: `Connection: close`, no keep-alive pool), with
 * a fetch-like answer (status, ok, headers.get, text, json, arrayBuffer). Why not fetch: fetch keeps connections
 * alive and sends the next request on an idle one. n8n closes a connection idle for 5 s (Node's keepAliveTimeout),
 * and when its event loop is busy for longer than that (n8n 1.x loading the AI Agent's modules takes seconds on a
 * loaded machine) its idle timer fires before it reads the request already waiting on that connection: the request
 * is dropped unanswered (ECONNRESET, "fetch failed"). A new connection has no idle timer to lose the request to.
 */
function request(url, { method = 'GET', headers = {}, body } = {}, timeoutMs = 300000) {
	return new Promise((resolve, reject) => {
		const bodyless = method === 'GET' || method === 'HEAD';
		const payload =
			body === undefined || body === null
				? bodyless
					? undefined
					: Buffer.alloc(0)
				: Buffer.from(body);
		const options = {
			method,
			agent: false,
			headers: { ...headers, ...(payload ? { 'content-length': payload.length } : {}) },
		};
		const req = http.request(url, options, (res) => {
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('error', reject);
			res.on('end', () => {
				const bytes = Buffer.concat(chunks);
				resolve({
					status: res.statusCode,
					ok: res.statusCode >= 200 && res.statusCode < 300,
					headers: {
						get: (name) => {
							const value = res.headers[name.toLowerCase()];
							return Array.isArray(value) ? value.join(', ') : (value ?? null);
						},
					},
					text: async () => bytes.toString('utf8'),
					json: async () => JSON.parse(bytes.toString('utf8')),
					arrayBuffer: async () =>
						bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
				});
			});
		});
		req.on('error', reject);
		req.setTimeout(timeoutMs, () =>
			req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs / 1000} s`)),
		);
		req.end(payload);
	});
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

/** " [cause: …]" down an error's cause chain (fetch's own message is only "fetch failed"). */
function describeCause(error) {
	const parts = [];
	for (let cause = error?.cause, depth = 0; cause && depth < 4; cause = cause.cause, depth++) {
		parts.push(
			`${cause.name ?? 'cause'}: ${cause.message ?? String(cause)}${cause.code ? ` (${cause.code})` : ''}`,
		);
	}
	return parts.length ? ` [cause: ${parts.join(' ← ')}]` : '';
}

/** Statuses of an execution that has ended (1.x may report a running one as `unknown` at first). */
const ENDED = ['success', 'error', 'crashed', 'canceled'];

/** The last run of the node an execution's run data says ran last (undefined if it has none). */
function lastRun(execution) {
	const result = execution.data?.resultData;
	const runs = result?.runData?.[result?.lastNodeExecuted];
	return Array.isArray(runs) ? runs[runs.length - 1] : undefined;
}

/**
 * An execution that has ended and whose final run data n8n has saved. n8n 1.x on SQLite (its default, pool size 0)
 * saves an execution in two writes, not in one transaction (ExecutionRepository.updateExistingExecution): the
 * status first, the run data second. A read between the two shows `success` with the run data saved before. For a
 * run that never parked that is the initial data (no node has run); for a resumed one (a callback, a Wait node, Max
 * Wait) it is the data saved at the resume, where n8n had popped the parked node's run: `runData[lastNodeExecuted]`
 * is an empty array, so the parked node seems to have emitted nothing. Ended therefore means: an ended status and
 * a last node whose last run is there and is not the parked one.
 */
function ended(execution) {
	if (!ENDED.includes(execution.status) || !execution.stoppedAt) return false;
	// A stopped or crashed run may end before any node ran: its status is all there is to wait for.
	if (execution.status === 'canceled' || execution.status === 'crashed') return true;
	const result = execution.data?.resultData;
	// A run that failed before any node ran (n8n refused the workflow) has its error and nothing else.
	if (execution.status === 'error' && result?.error && !result.lastNodeExecuted) return true;
	const run = lastRun(execution);
	return run !== undefined && run.executionStatus !== 'waiting';
}

/**
 * An execution parked (waiting for a webhook or a time) whose parked run data n8n has saved: the same two writes
 * as above, a read between them shows `waiting` with no node run yet, and a callback then would meet an execution
 * n8n cannot resume.
 */
function parked(execution) {
	return execution.status === 'waiting' && lastRun(execution)?.executionStatus === 'waiting';
}

/** Removes the given secrets (and any bearer token) from text a failing assertion prints. */
function scrubber(secrets) {
	const known = secrets.filter((secret) => typeof secret === 'string' && secret.length >= 6);
	return (text) => {
		let out = String(text);
		for (const secret of known) out = out.split(secret).join('[token]');
		return out.replace(/Bearer\s+[^\s"',]+/gi, 'Bearer [token]');
	};
}

/** What one item carries, in a few words: its json keys, an error it names, its binaries with their types. */
function describeItem(item) {
	if (!item || typeof item !== 'object') return String(item);
	const json = item.json && typeof item.json === 'object' ? item.json : {};
	const keys = Object.keys(json);
	const parts = [
		`json {${keys.slice(0, 10).join(', ')}${keys.length > 10 ? `, … ${keys.length - 10} more` : ''}}`,
	];
	if (typeof json.error === 'string')
		parts.push(`error: ${JSON.stringify(json.error.slice(0, 300))}`);
	const binaries = Object.entries(item.binary ?? {});
	if (binaries.length)
		parts.push(
			`binary {${binaries.map(([key, value]) => `${key}: ${value?.mimeType ?? '?'} ${value?.fileName ?? ''}`.trim()).join(', ')}}`,
		);
	return parts.join(', ');
}

/** One node's runs in a few lines: how many items each run emitted (per output), its status, its error. */
function describeNode(name, runs) {
	if (!Array.isArray(runs)) return `${name}: did not run`;
	if (runs.length === 0) return `${name}: no run saved (0 items)`;
	return runs
		.map((task, index) => {
			const outputs = task?.data?.main ?? [];
			const counts = outputs.map((items) => (Array.isArray(items) ? items.length : 0));
			const head = `${name}${runs.length > 1 ? ` run ${index}` : ''}: ${task?.executionStatus ?? 'no status'}, emitted ${counts.length ? counts.join(' + ') : 0} item(s)`;
			const lines = [head];
			if (task?.error)
				lines.push(
					`    error: ${task.error.message ?? ''}${task.error.description ? ` (${task.error.description})` : ''}`,
				);
			(outputs[0] ?? [])
				.slice(0, 4)
				.forEach((item, at) => lines.push(`    item ${at}: ${describeItem(item)}`));
			if ((outputs[0] ?? []).length > 4)
				lines.push(`    … ${(outputs[0] ?? []).length - 4} more item(s)`);
			return lines.join('\n');
		})
		.join('\n');
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
	constructor(
		version,
		{ baseUrl, token, workflowDirs = [], dir, outputDir, serverPort, extraCredentials = [], queue },
	) {
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
		for (const key of Object.keys(env))
			if (key.startsWith('N8N_') || key.startsWith('JEST')) delete env[key];
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
			...(this.major === 1
				? { N8N_EXPRESSION_ENGINE: 'legacy' }
				: { N8N_DISABLED_MODULES: 'mcp-registry' }),
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
				fs.writeFileSync(
					path.join(workflows, name),
					this.localize(fs.readFileSync(path.join(source, name), 'utf8')),
				);
			}
		}
		if (fs.readdirSync(workflows).length)
			await this.cli(['import:workflow', '--separate', `--input=${workflows}`]);
	}

	/** Points a workflow at this n8n: the imported credential, the output folder. */
	localize(text) {
		return text
			.replaceAll('__OUTPUT_DIR__', this.outputDir)
			.replaceAll('/home/node/.n8n-files/acedata-images', this.outputDir)
			.replaceAll('__CREDENTIAL_ID__', CREDENTIAL_ID)
			.replaceAll('__CALLBACK_URL__', `${this.serverUrl}/webhook/acedata-e2e-callback`)
			.replaceAll('__SERVER_URL__', this.serverUrl);
	}

	get serverUrl() {
		return `http://127.0.0.1:${this.serverPort}`;
	}

	/** Creates the owner account of a served n8n and returns a logged-in REST session (as the editor uses it). */
	async ownerSession() {
		const headers = { 'content-type': 'application/json', 'browser-id': 'acedata-e2e-browser' };
		let setup = await request(`${this.serverUrl}/rest/owner/setup`, {
			method: 'POST',
			headers,
			body: JSON.stringify({
				email: 'owner@example.com',
				firstName: 'Test',
				lastName: 'Owner',
				password: 'Passw0rd-e2e',
			}),
		});
		if (!setup.ok && this.ownerCreated) {
			// Started again (a restart): the owner exists, sign in instead (1.x names the field email, 2.x not).
			setup = await request(`${this.serverUrl}/rest/login`, {
				method: 'POST',
				headers,
				body: JSON.stringify({
					email: 'owner@example.com',
					emailOrLdapLoginId: 'owner@example.com',
					password: 'Passw0rd-e2e',
				}),
			});
		}
		if (!setup.ok) throw new Error(`owner setup failed: ${setup.status} ${await setup.text()}`);
		this.ownerCreated = true;
		const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0];
		// What a failed call reports: when the previous call ended, and how long this process's event loop stalled since.
		let lastCallEnded = Date.now();
		this.loopDelay?.disable();
		const loopDelay = monitorEventLoopDelay({ resolution: 20 });
		loopDelay.enable();
		this.loopDelay = loopDelay;
		const restTiming = () =>
			`the previous REST call ended ${Date.now() - lastCallEnded} ms before; this process's event loop stalled up to ${Math.round(loopDelay.max / 1e6)} ms since`;
		const call = async (method, route, body) => {
			const started = Date.now();
			let response;
			let text;
			try {
				response = await request(`${this.serverUrl}/rest${route}`, {
					method,
					headers: { ...headers, cookie },
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				text = await response.text();
			} catch (error) {
				// Say which call, its cause, and what this process was doing meanwhile.
				throw new Error(
					`${method} ${route} to n8n ${this.version} failed after ${Date.now() - started} ms: ${error.message}${describeCause(error)}; ${restTiming()}`,
					{ cause: error },
				);
			} finally {
				lastCallEnded = Date.now();
				loopDelay.reset();
			}
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
				const running = list.find(
					(execution) => execution.status === 'running' || !execution.stoppedAt,
				);
				if (!running)
					throw new Error(
						`no running execution of ${workflowId}: ${JSON.stringify(data).slice(0, 500)}`,
					);
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
		const started = await this.launch('start', env, 'Editor is now accessible', {
			verbose,
			timeoutMs,
			onLog,
			healthUrl: `${this.serverUrl}/healthz`,
		});
		return { ...started, url: this.serverUrl };
	}

	/**
	 * Starts `n8n <command>` and resolves once it has logged `readyText` (and healthUrl answers, if given);
	 * returns the child and stop(), which ends it (SIGTERM, SIGKILL 15 s later).
	 */
	async launch(
		command,
		env,
		readyText,
		{ verbose = false, timeoutMs = 180000, onLog, healthUrl } = {},
	) {
		const child = spawn(this.nodeBin, [this.bin, command], {
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
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
				timer = setTimeout(
					() => reject(new Error(`n8n ${command} did not start within ${timeoutMs / 1000} s`)),
					timeoutMs,
				);
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
		this.worker = await this.launch('worker', env, 'n8n worker is now ready', {
			onLog: (text) => this.workerLog.push(text),
		});
		return this.worker;
	}

	/**
	 * Starts this n8n once for a whole suite (`n8n start`, owner account, REST session); run() then executes
	 * workflows through its REST API, as the editor's Execute button does. Returns the session.
	 */
	async start({ env } = {}) {
		// One served n8n per instance: a second one would share this user folder, database and port.
		if (this.server)
			throw new Error(
				`n8n ${this.version} is already served on ${this.serverUrl}: stop() it first`,
			);
		this.logLines ??= [];
		this.server = await this.serve({ env, onLog: (text) => this.logLines.push(text) });
		this.session = await this.ownerSession();
		const flattedPath = require.resolve('flatted', {
			paths: [path.dirname(path.dirname(this.bin))],
		});
		this.flatted = require(flattedPath);
		return this.session;
	}

	async stop() {
		this.loopDelay?.disable();
		await Promise.all([this.server?.stop(), this.worker?.stop()]);
		this.server = undefined;
		this.worker = undefined;
	}

	/** What n8n logged since `from` (an index into the log), to look for a token that must never appear. */
	logSince(from = 0) {
		return this.logLines.slice(from).join('');
	}

	/**
	 * Stops what a test left running (a test that failed before its execution ended) and waits until n8n has ended
	 * it, so that it cannot reach the simulator during the next test. Returns the ids it stopped.
	 */
	async stopLeftovers() {
		const isRunning = (execution) => execution.status === 'running' || execution.status === 'new';
		const filter = encodeURIComponent(JSON.stringify({ status: ['running', 'new'] }));
		const data = await this.session.call('GET', `/executions?filter=${filter}`);
		const list = Array.isArray(data) ? data : (data.results ?? data.data ?? []);
		const ids = list.filter(isRunning).map((execution) => String(execution.id));
		for (const id of ids) {
			await this.session.call('POST', `/executions/${id}/stop`).catch(() => undefined); // it may have ended meanwhile
			await this.waitForExecution(
				id,
				function stopped(execution) {
					return !isRunning(execution);
				},
				60000,
			);
		}
		return ids;
	}

	/** An HTTP request to this n8n (its webhooks, its REST API) on a connection of its own: see request(). */
	request(url, init) {
		return request(url, init);
	}

	/** The ids of a workflow's saved executions (any status), as the executions list shows them. */
	async executionIds(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const data = await this.session.call('GET', `/executions?filter=${filter}`);
		const list = Array.isArray(data) ? data : (data.results ?? data.data ?? []);
		return list.map((execution) => String(execution.id));
	}

	/** Reads an execution over REST; `data` unflattened. */
	async getExecution(executionId) {
		const execution = await this.session.call('GET', `/executions/${executionId}`);
		return {
			...execution,
			data:
				typeof execution.data === 'string' ? this.flatted.parse(execution.data) : execution.data,
		};
	}

	/**
	 * Waits until the execution's saved state satisfies `done` (default: ended, with its final run data; `parked`:
	 * waiting, with its parked run data) and returns it. n8n tells a REST client nothing when an execution ends, so
	 * its state is read again every intervalMs, up to a deadline; the timeout names what the execution showed last.
	 */
	async waitForExecution(
		executionId,
		done = ended,
		timeoutMs = 240000,
		intervalMs = this.pollMs ?? 100,
	) {
		const until = Date.now() + timeoutMs;
		for (;;) {
			const execution = await this.getExecution(executionId);
			if (done(execution)) return execution;
			if (Date.now() > until) {
				throw new Error(
					`execution ${executionId} is still ${execution.status} after ${timeoutMs / 1000} s (waiting for ${done.name || 'a condition'}):\n${this.result(execution, undefined, false).summary()}`,
				);
			}
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
		if (!started?.executionId)
			throw new Error(`n8n did not start ${workflowId}: ${JSON.stringify(started)}`);
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

	/**
	 * The run of an execution as the tests read it. `output(node)` is what the node emitted (an empty list when it
	 * emitted nothing or did not run); `item(node, index)` is one of its items, or an error that says what the node
	 * emitted instead; `summary()` says, per node, how many items each run emitted, their json keys, binaries and
	 * errors (never a token), which the suite adds to any failing test's message.
	 */
	result(execution, logFrom = 0, remember = true) {
		const data = execution.data;
		const error = data?.resultData?.error;
		const runData = data?.resultData?.runData ?? {};
		const secrets = this.extraCredentials.flatMap((credential) =>
			Object.entries(credential.data ?? {})
				.filter(([key]) => /token|key|secret|password/i.test(key))
				.map(([, value]) => value),
		);
		const scrub = scrubber([this.token, ...secrets]);
		const output = (nodeName, run = 0) => runData[nodeName]?.[run]?.data?.main?.[0] ?? [];
		const nodeSummary = (nodeName) => scrub(describeNode(nodeName, runData[nodeName]));
		const summary = () => {
			const workflowName = execution.workflowData?.name ?? execution.workflowId ?? '';
			const head = `execution ${execution.id}${workflowName ? ` (${workflowName})` : ''}: ${execution.status}${execution.stoppedAt ? '' : ', not stopped'}, last node ${data?.resultData?.lastNodeExecuted ?? 'none'}`;
			const lines = [head];
			if (error)
				lines.push(
					`  error: ${error.message ?? ''}${error.node?.name ? ` (node ${error.node.name})` : ''}`,
				);
			const nodes = execution.workflowData?.nodes?.map((node) => node.name) ?? Object.keys(runData);
			for (const name of nodes)
				lines.push(
					...describeNode(name, runData[name])
						.split('\n')
						.map((line) => `  ${line}`),
				);
			return scrub(lines.join('\n'));
		};
		const result = {
			executionId: execution.id,
			status: execution.status,
			code: execution.status === 'success' ? 0 : 1,
			data: { data },
			stdout: [error?.message, error?.description, JSON.stringify(data)].filter(Boolean).join('\n'),
			stderr: this.logSince(logFrom),
			error,
			output,
			item: (nodeName, index = 0, run = 0) => {
				const items = output(nodeName, run);
				if (items[index] !== undefined) return items[index];
				throw new Error(
					`node "${nodeName}" emitted ${items.length} item(s) in run ${run}, so it has no item ${index}: ${nodeSummary(nodeName)}\n${summary()}`,
				);
			},
			nodeSummary,
			summary,
		};
		// What this instance's tests read, so that a failing test can say what each node emitted (suite.js).
		if (remember) (this.results ??= []).push(result);
		return result;
	}

	async cli(args) {
		const result = await run(this.nodeBin, [this.bin, ...args], this.env);
		if (result.code !== 0) {
			throw new Error(
				`n8n ${args[0]} failed (${result.code}):\n${result.stdout}\n${result.stderr}`,
			);
		}
		return result;
	}

	/** Executes an imported workflow; returns exit code, parsed run data, the raw output, and node outputs. */
	async execute(workflowId) {
		// Its own task broker port, so that it can run beside a served n8n or another version's execution.
		const env = { ...this.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		const result = await run(
			this.nodeBin,
			[this.bin, 'execute', `--id=${workflowId}`, '--rawOutput'],
			env,
		);
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
		const response = await request(
			`${this.serverUrl}/rest/binary-data?id=${encodeURIComponent(binary.id)}&action=download`,
			{
				headers: { cookie: this.session.cookie, 'browser-id': 'acedata-e2e-browser' },
			},
		);
		if (!response.ok)
			throw new Error(`binary ${binary.id}: ${response.status} ${await response.text()}`);
		return Buffer.from(await response.arrayBuffer());
	}

	cleanup() {
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

module.exports = {
	N8n,
	VERSIONS,
	CREDENTIAL_ID,
	NPM_TYPE,
	ROOT,
	provision,
	ended,
	parked,
	request,
};
