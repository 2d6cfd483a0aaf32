'use strict';
// Redis and Postgres for the queue-mode end-to-end test: Debian's redis-server and postgresql (installed by
// scripts/provision-n8n.sh queue), each started here on a free port of 127.0.0.1 with its data in a temporary
// folder, and stopped by the id of the process started here.
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port; rejects if `exited` settles first. */
async function waitForPort(port, exited, timeoutMs, name) {
	const until = Date.now() + timeoutMs;
	let gone = false;
	exited.then(() => (gone = true));
	while (Date.now() < until && !gone) {
		const open = await new Promise((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => socket.end(() => resolve(true)));
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(gone ? `${name} exited before it listened on ${port}` : `${name} did not listen on ${port} within ${timeoutMs / 1000} s`);
}

/** Ends a child process started here: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
async function endChild(child, exited, graceMs = 15000) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	child.kill('SIGTERM');
	let timer;
	const done = await Promise.race([exited.then(() => true), new Promise((resolve) => (timer = setTimeout(resolve, graceMs, false)))]);
	clearTimeout(timer);
	if (!done) {
		child.kill('SIGKILL');
		await exited;
	}
}

function collect(child) {
	const lines = [];
	child.stdout?.on('data', (chunk) => lines.push(chunk.toString()));
	child.stderr?.on('data', (chunk) => lines.push(chunk.toString()));
	return () => lines.join('').slice(-4000);
}

/** Starts redis-server on a free port, nothing saved to disk. */
async function startRedis() {
	const port = await freePort();
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const log = collect(child);
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.once('error', () => undefined);
	try {
		await waitForPort(port, exited, 20000, 'redis-server');
	} catch (error) {
		await endChild(child, exited);
		throw new Error(`${error.message}\n${log()}`);
	}
	return { host: '127.0.0.1', port, stop: () => endChild(child, exited) };
}

/** The folder of Debian's newest installed PostgreSQL binaries (/usr/lib/postgresql/<major>/bin). */
function postgresBin() {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
	if (!majors.length) throw new Error('PostgreSQL is not installed: run scripts/provision-n8n.sh queue');
	return path.join(root, String(Math.max(...majors.map(Number))), 'bin');
}

/**
 * Starts a throwaway PostgreSQL cluster (trust authentication, 127.0.0.1 only) in a temporary folder. PostgreSQL
 * refuses to run as root: as root the cluster belongs to Debian's `postgres` user.
 */
async function startPostgres() {
	const bin = postgresBin();
	const asRoot = process.getuid?.() === 0;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acedata-pg-'));
	const data = path.join(dir, 'data');
	const as = (command, args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]);
	if (asRoot) execFileSync('chown', ['postgres', dir]);
	execFileSync(...as(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']), { stdio: 'pipe' });
	const port = await freePort();
	const [command, args] = as(path.join(bin, 'postgres'), [
		'-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off',
	]);
	const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	const log = collect(child);
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const stop = async () => {
		// Stop the postmaster itself (under runuser the child here is runuser): pg_ctl by its data folder.
		try {
			execFileSync(...as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']), { stdio: 'pipe' });
		} catch {
			// already stopped
		}
		await endChild(child, exited);
		fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitForPort(port, exited, 30000, 'postgres');
	} catch (error) {
		await stop();
		throw new Error(`${error.message}\n${log()}`);
	}
	return { host: '127.0.0.1', port, user: 'postgres', database: 'postgres', stop };
}

module.exports = { startRedis, startPostgres, freePort, endChild };
