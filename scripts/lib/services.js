'use strict';
// Redis and Postgres for the queue-mode end-to-end test: Debian's redis-server and postgresql (installed by
// scripts/provision-n8n.sh queue), each started here on a free port of 127.0.0.1 with its data in a temporary
// folder, and stopped by the id of the process started here.
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

/** The kernel's ephemeral port range: where listen(0) and outgoing connections take their local ports. */
function ephemeralRange() {
	try {
		const [low, high] = fs
			.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
			.trim()
			.split(/\s+/)
			.map(Number);
		if (low > 0 && high >= low) return [low, high];
	} catch {
		// not Linux: the IANA range
	}
	return [49152, 65535];
}

/** Ports handed out by this process (a port is free until its server binds it, which can be much later). */
const handedOut = new Set();

/** Resolves true if 127.0.0.1:port can be listened on right now. */
function canListen(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/**
 * A free port of 127.0.0.1 for a server started later (n8n binds it only after it has loaded, tens of seconds
 * after; a restart binds the same one again). Taken below the ephemeral range, at random: the kernel never gives
 * those to another listen(0) (the simulators of the tests running alongside, n8n's own helpers, the browser) nor
 * to an outgoing connection meanwhile, as it could give the port listen(0) had just returned.
 */
async function freePort() {
	const [ephemeralLow] = ephemeralRange();
	const low = 10000;
	const high = Math.max(low + 1000, ephemeralLow - 1);
	for (let attempt = 0; attempt < 200; attempt++) {
		const port = low + Math.floor(Math.random() * (high - low + 1));
		if (handedOut.has(port)) continue;
		if (await canListen(port)) {
			handedOut.add(port);
			return port;
		}
	}
	throw new Error(`no free port of 127.0.0.1 between ${low} and ${high}`);
}

/**
 * Resolves once the server says it is ready (`readyText` in its output: an event, not a guess) and accepts TCP
 * connections on 127.0.0.1:port (checked once it said so, again every 100 ms until it does); rejects if `exited`
 * settles first or the deadline passes.
 */
async function waitForReady(child, port, exited, timeoutMs, name, readyText) {
	let gone = false;
	exited.then(() => (gone = true));
	let timer;
	let onData;
	const said = new Promise((resolve) => {
		let seen = '';
		onData = (chunk) => {
			seen = (seen + chunk.toString()).slice(-4000);
			if (seen.includes(readyText)) resolve();
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
	});
	const deadline = new Promise((_, reject) => {
		timer = setTimeout(
			() =>
				reject(
					new Error(
						`${name} did not say "${readyText}" and listen on ${port} within ${timeoutMs / 1000} s`,
					),
				),
			timeoutMs,
		);
	});
	const listening = async () => {
		await said;
		while (!gone) {
			const open = await new Promise((resolve) => {
				const socket = net.connect(port, '127.0.0.1');
				socket.once('connect', () => socket.end(() => resolve(true)));
				socket.once('error', () => resolve(false));
			});
			if (open) return;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	};
	try {
		await Promise.race([
			listening(),
			exited.then(() => {
				throw new Error(`${name} exited before it listened on ${port}`);
			}),
			deadline,
		]);
	} finally {
		clearTimeout(timer);
		child.stdout?.off('data', onData);
		child.stderr?.off('data', onData);
	}
	if (gone) throw new Error(`${name} exited before it listened on ${port}`);
}

/** Ends a child process started here: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
async function endChild(child, exited, graceMs = 15000) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	child.kill('SIGTERM');
	let timer;
	const done = await Promise.race([
		exited.then(() => true),
		new Promise((resolve) => (timer = setTimeout(resolve, graceMs, false))),
	]);
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
	const child = spawn(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
		{
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	const log = collect(child);
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.once('error', () => undefined);
	try {
		await waitForReady(child, port, exited, 20000, 'redis-server', 'Ready to accept connections');
	} catch (error) {
		await endChild(child, exited);
		throw new Error(`${error.message}\n${log()}`);
	}
	return { host: '127.0.0.1', port, stop: () => endChild(child, exited) };
}

/** The folder of Debian's newest installed PostgreSQL binaries (/usr/lib/postgresql/<major>/bin). */
function postgresBin() {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root)
		? fs.readdirSync(root).filter((name) => /^\d+$/.test(name))
		: [];
	if (!majors.length)
		throw new Error('PostgreSQL is not installed: run scripts/provision-n8n.sh queue');
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
	const as = (command, args) =>
		asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
	if (asRoot) execFileSync('chown', ['postgres', dir]);
	execFileSync(
		...as(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']),
		{ stdio: 'pipe' },
	);
	const port = await freePort();
	const [command, args] = as(path.join(bin, 'postgres'), [
		'-D',
		data,
		'-p',
		String(port),
		'-k',
		dir,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
	]);
	const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	const log = collect(child);
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const stop = async () => {
		// Stop the postmaster itself (under runuser the child here is runuser): pg_ctl by its data folder.
		try {
			execFileSync(...as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']), {
				stdio: 'pipe',
			});
		} catch {
			// already stopped
		}
		await endChild(child, exited);
		fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		// Postgres listens before it accepts sessions ("the database system is starting up"): wait for its word.
		await waitForReady(
			child,
			port,
			exited,
			30000,
			'postgres',
			'database system is ready to accept connections',
		);
	} catch (error) {
		await stop();
		throw new Error(`${error.message}\n${log()}`);
	}
	return { host: '127.0.0.1', port, user: 'postgres', database: 'postgres', stop };
}

module.exports = { startRedis, startPostgres, freePort, endChild };
