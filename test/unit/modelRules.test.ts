import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { imageProperties } from '../../nodes/AceDataImages/actions/image/shared.description';
import { ENUM_OPTIONS, MODEL_IDS, MODEL_RULES, getModelRule } from '../../nodes/AceDataImages/models/modelRules';

const properties = imageProperties('generate');
const options = properties.find((property) => property.name === 'options')?.options as INodeProperties[];

function shownFor(property: INodeProperties, model: string, key: 'model' | '/model'): boolean {
	const models = property.displayOptions?.show?.[key] as string[] | undefined;
	return models === undefined || models.includes(model);
}

function values(property: INodeProperties): string[] {
	return ((property.options ?? []) as INodePropertyOptions[]).map((option) => String(option.value));
}

describe('model table', () => {
	it('has exactly one rule for every model of the contract', () => {
		expect(MODEL_RULES.map((rule) => rule.id)).toEqual([...MODEL_IDS]);
		expect([...MODEL_IDS]).toEqual([
			'dall-e-2',
			'dall-e-3',
			'gpt-image-1',
			'gpt-image-1.5',
			'gpt-image-2',
			'nano-banana',
			'custom',
		]);
	});

	it('offers the model list from the table', () => {
		const model = properties.find((property) => property.name === 'model');
		expect(values(model as INodeProperties)).toEqual([...MODEL_IDS]);
	});

	it.each(MODEL_RULES.map((rule) => [rule.id]))('shows %s exactly one Size, with its own sizes', (id) => {
		const rule = getModelRule(id);
		const sizes = properties.filter((property) => property.name === 'size' && shownFor(property, id, 'model'));
		expect(sizes).toHaveLength(1);
		if (rule.size.kind === 'list') {
			expect(sizes[0].type).toBe('options');
			expect(values(sizes[0])).toEqual([...rule.size.values]);
		} else {
			expect(sizes[0].type).toBe('string');
		}
		expect(sizes[0].default).toBe(rule.size.default);
	});

	it.each(MODEL_RULES.map((rule) => [rule.id]))('shows %s each option only with the values it accepts', (id) => {
		const rule = getModelRule(id);
		for (const option of ENUM_OPTIONS) {
			const entries = options.filter((entry) => entry.name === option && shownFor(entry, id, '/model'));
			const accepted = rule[option];
			if (!accepted) {
				expect({ option, shown: entries.length }).toEqual({ option, shown: 0 });
			} else {
				expect(entries).toHaveLength(1);
				expect(values(entries[0])).toEqual([...accepted]);
				expect(accepted).toContain(entries[0].default);
			}
		}
	});

	it('shows compression and partial images only to the models that take them', () => {
		const compression = options.find((entry) => entry.name === 'outputCompression') as INodeProperties;
		const partial = options.find((entry) => entry.name === 'partialImages') as INodeProperties;
		expect(compression.displayOptions?.show?.['/model']).toEqual(['gpt-image-1', 'gpt-image-1.5', 'gpt-image-2', 'custom']);
		expect(partial.displayOptions?.show?.['/model']).toEqual(['gpt-image-1', 'gpt-image-1.5', 'gpt-image-2', 'custom']);
	});

	it('hides DALL·E-only and GPT-image-only options from nano-banana', () => {
		const nano = options.filter((entry) => shownFor(entry, 'nano-banana', '/model')).map((entry) => entry.name);
		for (const name of ['quality', 'style', 'background', 'moderation', 'outputFormat', 'outputCompression', 'responseFormat']) {
			expect(nano).not.toContain(name);
		}
	});
});
