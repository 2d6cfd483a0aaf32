'use strict';
// The package as n8n receives it: the packed tarball holds only what it should, and n8n's own scanner
// (@n8n/scan-community-package, what n8n's verification runs) passes on the source and on the tarball.
// Needs dist/: jest builds it first when it is stale (test/harness/build.js).
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const SCAN = path.join(ROOT, 'scripts', 'scan-package.mjs');

let packed;

beforeAll(() => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acedata-pack-'));
	const [info] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
			cwd: ROOT,
			encoding: 'utf8',
		}),
	);
	const unpacked = path.join(dir, 'unpacked');
	fs.mkdirSync(unpacked);
	execFileSync('tar', ['xzf', path.join(dir, info.filename), '-C', unpacked]);
	packed = { info, dir: path.join(unpacked, 'package') };
}, 120000);

test('the tarball holds index.js, dist, README, LICENSE and package.json, nothing else', () => {
	const files = packed.info.files.map((file) => file.path);
	const outside = files.filter(
		(file) =>
			!file.startsWith('dist/') &&
			!['index.js', 'README.md', 'LICENSE', 'package.json'].includes(file),
	);
	expect(outside).toEqual([]);
	for (const needed of [
		'dist/nodes/AceDataImages/AceDataImages.node.js',
		'dist/nodes/AceDataImages/AceDataImages.node.json',
		'dist/nodes/AceDataImages/acedata.svg',
		'dist/nodes/AceDataImages/acedata.dark.svg',
		'dist/nodes/AceDataImagesTrigger/AceDataImagesTrigger.node.js',
		'dist/nodes/AceDataImagesTrigger/AceDataImagesTrigger.node.json',
		'dist/nodes/AceDataImagesTrigger/acedata.svg',
		'dist/nodes/AceDataImagesPollTrigger/AceDataImagesPollTrigger.node.js',
		'dist/nodes/AceDataImagesPollTrigger/AceDataImagesPollTrigger.node.json',
		'dist/nodes/AceDataImagesPollTrigger/acedata.svg',
		'dist/credentials/AceDataCloudApi.credentials.js',
		'README.md',
		'LICENSE',
	]) {
		expect(files).toContain(needed);
	}
	expect(files.filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
	const manifest = JSON.parse(fs.readFileSync(path.join(packed.dir, 'package.json'), 'utf8'));
	expect(manifest.dependencies).toBeUndefined();
	expect(Object.keys(manifest.peerDependencies)).toEqual(['n8n-workflow']);
	for (const entry of [...manifest.n8n.nodes, ...manifest.n8n.credentials])
		expect(files).toContain(entry);
});

test('the top-level index.js of the tarball exports the nodes (the action node, the two triggers) and the credential classes', () => {
	// As an app that installed it would have it: n8n-workflow (the peer dependency) beside it.
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(packed.dir, 'node_modules'), 'dir');
	let exported;
	try {
		exported = require(path.join(packed.dir, 'index.js'));
	} finally {
		fs.unlinkSync(path.join(packed.dir, 'node_modules'));
	}
	expect(Object.keys(exported).sort()).toEqual([
		'AceDataCloudApi',
		'AceDataImages',
		'AceDataImagesPollTrigger',
		'AceDataImagesTrigger',
	]);
	expect(new exported.AceDataImagesTrigger().description).toMatchObject({
		name: 'aceDataImagesTrigger',
		displayName: 'AceData Cloud Images Trigger',
		version: 1,
		credentials: [{ name: 'aceDataCloudApi', required: true }],
		webhooks: [expect.objectContaining({ httpMethod: 'POST' })],
	});
	expect(new exported.AceDataImagesPollTrigger().description).toMatchObject({
		name: 'aceDataImagesPollTrigger',
		version: 1,
		polling: true,
		credentials: [{ name: 'aceDataCloudApi', required: true }],
	});
	expect(new exported.AceDataImages().description).toMatchObject({
		name: 'aceDataImages',
		displayName: 'AceData Cloud Images',
		version: 1,
	});
	expect(new exported.AceDataCloudApi().name).toBe('aceDataCloudApi');
	expect(JSON.parse(fs.readFileSync(path.join(packed.dir, 'package.json'), 'utf8')).main).toBe(
		'index.js',
	);
});

test("n8n's scanner passes on the source and on the tarball", () => {
	let output;
	try {
		// Not under jest's NODE_ENV=test: n8n's lint rules then check file names as in their own test fixtures.
		const env = { ...process.env };
		delete env.NODE_ENV;
		output = execFileSync(process.execPath, [SCAN, ROOT, packed.dir], {
			cwd: ROOT,
			encoding: 'utf8',
			env,
		});
	} catch (error) {
		output = error.stdout;
	}
	const results = output
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line));
	expect(results.map(({ target, passed, details }) => ({ target, passed, details }))).toEqual([
		{ target: 'source', passed: true },
		{ target: 'tarball', passed: true },
	]);
}, 300000);
