'use strict';
// Drives a real, provisioned n8n: a user folder, the built package loaded as a custom extension, a credential
// (the simulator or the real API), workflows imported, then `n8n execute` headless or `n8n start` with the editor.
// Used by the end-to-end suite, `npm run demo` and `npm start`.
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const CREDENTIAL_ID = 'acedataCredential';
/** Type name of the node in published workflows, and when n8n loads it from a custom folder. */
const NPM_TYPE = 'n8n-nodes-acedata-images.aceDataImages';
const CUSTOM_TYPE = 'CUSTOM.aceDataImages';

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

/** Copies the built package (dist + package.json) where n8n loads it from, without node_modules. */
function stagePackage(into) {
	const target = path.join(into, 'n8n-nodes-acedata-images');
	fs.mkdirSync(target, { recursive: true });
	fs.cpSync(path.join(ROOT, 'dist'), path.join(target, 'dist'), { recursive: true });
	fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(target, 'package.json'));
	return into;
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

class N8n {
	/**
	 * version: a key of VERSIONS. baseUrl/token: what the credential points at.
	 * workflowDirs: folders of workflow JSON to import. dir: a folder to keep (default: a fresh temporary one).
	 */
	constructor(version, { baseUrl, token, workflowDirs = [], dir, outputDir }) {
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
		const layout = provision(String(this.major));
		const install = this.major === 2 ? layout.n8n2 : layout.n8n1;
		this.bin = path.join(install, 'node_modules', 'n8n', 'bin', 'n8n');
		this.nodeBin = this.major === 2 ? layout.node24 : process.execPath;
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
			N8N_CUSTOM_EXTENSIONS: stagePackage(path.join(this.dir, 'custom')),
			N8N_RESTRICT_FILE_ACCESS_TO: this.outputDir,
			N8N_SECURE_COOKIE: 'false',
			...(this.major === 1 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
		};
		const credentials = path.join(this.dir, 'credentials.json');
		fs.writeFileSync(
			credentials,
			JSON.stringify([
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

	/** Points a workflow at this n8n: the custom node type, the imported credential, the output folder. */
	localize(text) {
		return text
			.replaceAll(NPM_TYPE, CUSTOM_TYPE)
			.replaceAll('__OUTPUT_DIR__', this.outputDir)
			.replaceAll('/home/node/.n8n-files/acedata-images', this.outputDir)
			.replaceAll('__CREDENTIAL_ID__', CREDENTIAL_ID);
	}

	/** Serves the editor (`n8n start`); resolves with the child process once it listens. */
	start(port = 5678) {
		const child = spawn(this.nodeBin, [this.bin, 'start'], {
			env: { ...this.env, N8N_PORT: String(port), N8N_HOST: 'localhost', N8N_LISTEN_ADDRESS: '127.0.0.1' },
			stdio: 'inherit',
		});
		return child;
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
		const result = await run(this.nodeBin, [this.bin, 'execute', `--id=${workflowId}`, '--rawOutput'], this.env);
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

	cleanup() {
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

module.exports = { N8n, VERSIONS, CREDENTIAL_ID, NPM_TYPE, CUSTOM_TYPE, ROOT, provision };
