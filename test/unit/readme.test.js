'use strict';
// The README's parameter table is generated from the model table: fail when they drift apart.
const fs = require('fs');
const path = require('path');

const { MODEL_RULES, describeSize } = require('../../nodes/AceDataImages/models/modelRules');
const { renderModelTable, START, END } = require('../../scripts/model-table');

test('README.md holds the table rendered from the model rules', () => {
	const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
	const section = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END)).trim();
	expect(section).toBe(renderModelTable(MODEL_RULES, describeSize));
});

test('README.md documents every option of the contract', () => {
	const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
	for (const option of [
		'quality',
		'style',
		'background',
		'moderation',
		'outputFormat',
		'outputCompression',
		'partialImages',
		'responseFormat',
		'inputFidelity',
		'maskBinaryPropertyName',
		'callbackUrl',
		'traceId',
		'binaryPropertyName',
		'outputLayout',
		'downloadImages',
		'fileName',
		'timeout',
		'pollInterval',
		'maxWait',
		'concurrency',
		'imageSource',
		'binaryPropertyNames',
		'imageUrls',
		'taskId',
		'delivery',
		'customModel',
		'maxImagesPerRun',
		'taskIds',
		'traceIds',
		'createdAfter',
		'createdBefore',
		'limit',
	]) {
		expect({ option, documented: readme.includes(`\`${option}\``) }).toEqual({
			option,
			documented: true,
		});
	}
});

test('README.md is for users: under 260 lines, its pictures exist, its Compatibility names the n8n versions the suite runs', () => {
	const root = path.join(__dirname, '..', '..');
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
	expect(readme.split('\n').length).toBeLessThan(260);
	const pictures = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1]);
	expect(pictures).toEqual([
		'docs/images/panel.png',
		'docs/images/output.png',
		'docs/images/get-many.png',
	]);
	for (const picture of pictures)
		expect(fs.statSync(path.join(root, picture)).size).toBeGreaterThan(10_000);
	const { VERSIONS } = require('../../scripts/lib/n8n');
	const compatibility = readme.slice(
		readme.indexOf('## Compatibility'),
		readme.indexOf('## Credential'),
	);
	for (const version of Object.keys(VERSIONS)) expect(compatibility).toContain(`**${version}**`);
	for (const link of [...readme.matchAll(/\]\((docs\/[^)#]+)\)/g)].map((match) => match[1]))
		expect(fs.existsSync(path.join(root, link))).toBe(true);
});
