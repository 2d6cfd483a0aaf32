'use strict';
// The node imports zod from n8n's tree (no runtime dependencies), where n8n 1.123 and 2.41 have zod 3.25 today and a
// later n8n may hoist zod 4. The code speaks `zod/v3`, the API both ship: the built node loads and validates the
// same with zod 3.25 and zod 4 as the only zod there is. Needs dist/: jest builds it first when stale (test/harness/build.js).
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');

/** What the built node says about a few requests and a few AceData answers, run where `zod` is `zodPackage`. */
function runWith(zodPackage) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acedata-zod-'));
	fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
	fs.mkdirSync(path.join(dir, 'node_modules'));
	fs.cpSync(path.join(ROOT, 'node_modules', zodPackage), path.join(dir, 'node_modules', 'zod'), {
		recursive: true,
		dereference: true,
	});
	fs.symlinkSync(
		path.join(ROOT, 'node_modules', 'n8n-workflow'),
		path.join(dir, 'node_modules', 'n8n-workflow'),
		'dir',
	);
	const script = `
		const zod = require('zod/package.json').version;
		const { validateImageRequest } = require('./dist/nodes/AceDataImages/models/validation');
		const { parseSubmitAnswer, parseTaskRecord } = require('./dist/nodes/AceDataImages/transport/schemas');
		require('./dist/nodes/AceDataImages/AceDataImages.node');
		const refusal = (input) => { try { validateImageRequest(input); return 'accepted'; } catch (error) { return error.message; } };
		const base = { operation: 'generate', model: 'gpt-image-1', modelId: 'gpt-image-1', prompt: 'A heron', n: 1 };
		console.log(JSON.stringify({
			zod,
			valid: refusal(base),
			n: refusal({ ...base, n: 11 }),
			one: refusal({ ...base, model: 'dall-e-3', modelId: 'dall-e-3', n: 2 }),
			nan: refusal({ ...base, n: 'three' }),
			size: refusal({ ...base, size: '999x999' }),
			compression: refusal({ ...base, outputCompression: 50 }),
			answer: parseSubmitAnswer({ data: [{ url: 'https://cdn.example/a.png' }], usage: { total_tokens: 5 }, task_id: 7 }),
			broken: parseSubmitAnswer({ data: [null] }),
			record: parseTaskRecord({ id: 't1', finished_at: false }),
		}));`;
	const out = execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });
	fs.rmSync(dir, { recursive: true, force: true });
	return JSON.parse(out);
}

test('the node loads and validates alike with zod 3.25 and zod 4', () => {
	const three = runWith('zod');
	const four = runWith('zod-v4');
	expect(three.zod).toMatch(/^3\.25\./);
	expect(four.zod).toMatch(/^4\./);
	const { zod: _three, ...said } = three;
	const { zod: _four, ...saidToo } = four;
	expect(saidToo).toEqual(said);
	expect(said).toMatchObject({
		valid: 'accepted',
		n: 'Parameter "Number of Images" must be a whole number from 1 to 10',
		one: 'Parameter "Number of Images" must be 1 for dall-e-3: it makes one image per request',
		nan: 'Parameter "Number of Images" must be a number from 1 to 10',
		size: expect.stringContaining('Parameter "Size" "999x999" is not accepted by gpt-image-1'),
		compression: expect.stringContaining(
			'Parameter "Output Compression" only applies to jpeg or webp output',
		),
		answer: {
			ok: true,
			value: {
				kind: 'images',
				answer: {
					images: [{ url: 'https://cdn.example/a.png' }],
					usage: { total_tokens: 5 },
					taskId: '7',
				},
			},
		},
		broken: { ok: false },
		record: { kind: 'invalid', id: 't1' },
	});
}, 60000);
