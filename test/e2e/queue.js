'use strict';
// n8n in queue mode, the way it scales past one machine: a main process and a worker (each with its own user
// folder), Redis between them, Postgres for everything including binary data. Manual runs go to the worker; a
// callback reaches main, which hands the resumed execution back to a worker.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const { makePng } = require('../../scripts/simulator/images');
const { createSimulator } = require('../../scripts/simulator/server');
const { N8n, parked } = require('../../scripts/lib/n8n');
const { startPostgres, startRedis } = require('../../scripts/lib/services');
const { TOKEN } = require('./suite');
const {
	annotatedTest,
	extractedShas,
	firstNewExecution,
	until,
	whileActive,
} = require('./support');

const sha = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

function defineQueueSuite(VERSION) {
	describe(`n8n ${VERSION} in queue mode (main + worker, Redis, Postgres, binary data in the database)`, () => {
		const simulator = createSimulator({ token: TOKEN });
		const defaults = { ...simulator.config };
		let redis;
		let postgres;
		let n8n;
		// A failing test ends with what each node of its executions emitted (items, keys, binaries, errors).
		const test = annotatedTest(() => n8n);

		beforeAll(async () => {
			[redis, postgres] = await Promise.all([startRedis(), startPostgres(), simulator.start()]);
			n8n = new N8n(VERSION, {
				baseUrl: simulator.url,
				token: TOKEN,
				workflowDirs: [path.join(__dirname, 'workflows')],
				queue: { redis, postgres },
			});
			await n8n.setup();
			await n8n.activate('e2eTrigCallback1');
			await n8n.start();
			await n8n.startWorker();
		});
		beforeEach(() => {
			simulator.reset();
			Object.assign(simulator.config, defaults, { taskPolls: 2 });
		});
		// A test that failed before its execution ended must not leave it running into the next test's simulator.
		afterEach(async () => {
			if (n8n?.server) await n8n.stopLeftovers();
		});
		afterAll(async () => {
			await n8n?.stop();
			await Promise.all([redis?.stop(), postgres?.stop(), simulator.stop()]);
			n8n?.cleanup();
		});

		const billed = () => simulator.billed();
		const sentShas = () =>
			billed().flatMap((entry) => (entry.images ?? []).map((image) => image.sha256));
		/** How many times the worker (not main) started or resumed this execution. */
		const workerRuns = (executionId) =>
			n8n.workerLog.join('').split(`Worker started execution ${executionId} `).length - 1;
		/** Every binary of the node's output: stored in Postgres, read back through main, the simulator's exact bytes. */
		async function expectStoredInDatabase(items) {
			for (const item of items) expect(item.binary.data.id).toMatch(/^database:/);
			const bytes = await Promise.all(items.map((item) => n8n.storedBytes(item.binary.data)));
			expect(bytes.map(sha)).toEqual(sentShas());
		}
		const noToken = (result) => {
			expect(JSON.stringify(result.data)).not.toContain(TOKEN);
			expect(n8n.logSince(0)).not.toContain(TOKEN);
			expect(n8n.workerLog.join('')).not.toContain(TOKEN);
		};

		test('generate (wait) runs on the worker: three WebP files in the database store, paired', async () => {
			const result = await n8n.run('e2eGptWebpN3001');
			expect(result.code).toBe(0);
			expect(workerRuns(result.executionId)).toBe(1);
			const items = result.output('AceData Cloud Images');
			expect(
				items.map((item) => [
					item.binary.data.mimeType,
					item.binary.data.fileName,
					item.pairedItem,
				]),
			).toEqual([
				['image/webp', expect.stringMatching(/-1\.webp$/), { item: 0 }],
				['image/webp', expect.stringMatching(/-2\.webp$/), { item: 0 }],
				['image/webp', expect.stringMatching(/-3\.webp$/), { item: 0 }],
			]);
			expect(billed()).toHaveLength(1);
			await expectStoredInDatabase(items);
			noToken(result);
		});

		test('poll on the worker: one billed submission, look-ups until done, the images', async () => {
			const result = await n8n.run('e2ePoll00000001');
			expect(result.code).toBe(0);
			expect(workerRuns(result.executionId)).toBe(1);
			expect(billed()).toHaveLength(1);
			expect(simulator.requests.filter((entry) => entry.path === '/openai/tasks')).toHaveLength(2);
			const items = result.output('AceData Cloud Images');
			expect(items.map((item) => item.binary.data.fileName)).toEqual([
				'a-slow-4k-panorama-1.jpg',
				'a-slow-4k-panorama-2.jpg',
			]);
			await expectStoredInDatabase(items);
		});

		test('edit from binaries another node stored in the database: the exact bytes on the wire', async () => {
			const result = await n8n.run('e2eEditBinary01');
			expect(result.code).toBe(0);
			expect(workerRuns(result.executionId)).toBe(1);
			const photo = makePng('e2e-photo', 64, 64);
			const mask = makePng('e2e-mask', 64, 64);
			expect(result.output('Merge')[0].binary.data.id).toMatch(/^database:/); // the input came from the store
			expect(billed()[0].parts.filter((part) => part.filename !== undefined)).toEqual([
				{
					name: 'image',
					filename: 'photo.png',
					contentType: 'image/png',
					size: photo.length,
					sha256: sha(photo),
				},
				{
					name: 'mask',
					filename: 'mask.png',
					contentType: 'image/png',
					size: mask.length,
					sha256: sha(mask),
				},
			]);
			const items = result.output('AceData Cloud Images');
			expect(items.map((item) => item.binary.data.fileName)).toEqual([
				'add-a-red-scarf-1.png',
				'add-a-red-scarf-2.png',
			]);
			await expectStoredInDatabase(items);
		});

		test('callback: parked by the worker, the callback reaches main, a worker resumes with every image', async () => {
			simulator.config.holdCallbacks = true;
			const kites = await n8n.startRun('e2eCallbackWait1');
			await n8n.waitForExecution(kites, parked);
			expect(workerRuns(kites)).toBe(1);
			const jobs = billed();
			expect(jobs).toHaveLength(3);
			for (const job of jobs)
				expect(job.body.callback_url).toMatch(
					new RegExp(
						`^${n8n.serverUrl}/webhook-waiting/${kites}/acedata-images-callback(\\?signature=[0-9a-f]+&|\\?)acedata_item=[012]$`,
					),
				); // 1.x signs no resume URL

			// The node's own look-up after parking (about 1.5 s later, from the worker) must not meet the released
			// callbacks: when both see every task finished, either may resume and the other is refused. Wait for it.
			const lookups = () => simulator.requests.filter((entry) => entry.path === '/openai/tasks');
			await until(() => lookups().length >= 2, {
				what: "the node's look-up after it parked",
				timeoutMs: 30000,
			});
			const callbacks = await simulator.releaseCallbacks(() => true);
			expect(callbacks.map((callback) => callback.status)).toEqual([200, 200, 200]);
			const result = n8n.result(await n8n.waitForExecution(kites));
			expect(result.code).toBe(0);
			expect(workerRuns(kites)).toBe(2); // the resumed run went through the queue too
			const items = result.output('AceData Cloud Images');
			const prompts = ['A red kite', 'A blue kite', 'A green kite'];
			expect(items.map((item) => [item.pairedItem, item.binary.data.fileName])).toEqual(
				prompts.map((prompt, item) => [
					{ item },
					`${prompt.toLowerCase().replaceAll(' ', '-')}-1.png`,
				]),
			);
			for (const item of items) expect(item.binary.data.id).toMatch(/^database:/);
			const bytes = await Promise.all(items.map((item) => n8n.storedBytes(item.binary.data)));
			expect(bytes.map(sha)).toEqual(
				prompts.map((prompt) => jobs.find((job) => job.body.prompt === prompt).images[0].sha256),
			);
			// Write Files to Disk ran on the worker and read the images from the database store.
			const written = result
				.output('Write Files to Disk')
				.map((item) => fs.readFileSync(item.json.fileName));
			expect(written.map(sha)).toEqual(bytes.map(sha));
			expect(billed()).toHaveLength(3);
			noToken(result);
		});

		test('the triggers in queue mode: the callback reaches main, the polling trigger polls on main, their executions run on the worker with the files in the database', async () => {
			simulator.config.callbackPadding = (task) =>
				task.request?.prompt === 'A huge callback' ? 17 * 1024 * 1024 : 0;
			const before = await n8n.executionIds('e2eTrigCallback1');
			const submitted = await n8n.run('e2eTrigSubmit001');
			expect(submitted.code).toBe(0);
			const job = (prompt) => billed().find((entry) => entry.body.prompt === prompt);
			const started = await firstNewExecution(n8n, 'e2eTrigCallback1', before);
			const run = n8n.result(await n8n.waitForExecution(started));
			expect(run.code).toBe(0);
			expect(workerRuns(started)).toBe(1);
			const [heron] = run.output('AceData Callback');
			expect(heron.json.taskId).toBe(job('A heron for the trigger').taskId);
			expect(heron.binary.data.id).toMatch(/^database:/);
			// The next node, on the worker, reads the exact file from the database store.
			expect(extractedShas(run, sha)).toEqual([job('A heron for the trigger').images[0].sha256]);

			const pollBefore = await n8n.executionIds('e2eTrigPoll00001');
			await whileActive(n8n, 'e2eTrigPoll00001', async () => {
				const polled = await firstNewExecution(n8n, 'e2eTrigPoll00001', pollBefore, {
					what: "the polling trigger's first poll (every minute)",
					timeoutMs: 150000,
				});
				const result = n8n.result(await n8n.waitForExecution(polled));
				expect(workerRuns(polled)).toBe(1);
				const items = result.output('AceData Task Finished');
				expect(items.map((item) => item.json.taskId).sort()).toEqual(
					[job('A heron for the trigger').taskId, job('A huge callback').taskId].sort(),
				);
				for (const item of items) expect(item.binary.data.id).toMatch(/^database:/);
				const paid = (item) =>
					billed().find((entry) => entry.taskId === item.json.taskId).images[0].sha256;
				expect(extractedShas(result, sha).sort()).toEqual(items.map(paid).sort());
				noToken(result);
			});
		});
	});
}

module.exports = { defineQueueSuite };
