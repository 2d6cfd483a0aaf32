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
		'quality', 'style', 'background', 'moderation', 'outputFormat', 'outputCompression', 'partialImages',
		'responseFormat', 'inputFidelity', 'maskBinaryPropertyName', 'callbackUrl', 'traceId', 'binaryPropertyName',
		'outputLayout', 'downloadImages', 'fileName', 'timeout', 'pollInterval', 'maxWait', 'concurrency',
		'imageSource', 'binaryPropertyNames', 'imageUrls', 'taskId', 'delivery', 'customModel',
		'maxImagesPerRun', 'taskIds', 'traceIds', 'createdAfter', 'createdBefore', 'limit',
	]) {
		expect({ option, documented: readme.includes(`\`${option}\``) }).toEqual({ option, documented: true });
	}
});
