import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { imageProperties } from '../../nodes/AceDataImages/actions/image/shared.description';
import {
	ENUM_OPTIONS,
	MODEL_IDS,
	MODEL_RULES,
	getModelRule,
} from '../../nodes/AceDataImages/models/modelRules';

import contract from '../../scripts/simulator/contract.json';

const properties = imageProperties('generate');
const options = properties.find((property) => property.name === 'options')
	?.options as INodeProperties[];

/** n8n's rule for one model: every `show` list naming the key must hold it, no `hide` list may. */
function visibleFor(
	displayOptions: IDisplayOptions | undefined,
	model: string,
	key: 'model' | '/model',
): boolean {
	const shown = displayOptions?.show?.[key] as string[] | undefined;
	const hidden = displayOptions?.hide?.[key] as string[] | undefined;
	return (shown === undefined || shown.includes(model)) && !(hidden ?? []).includes(model);
}

function values(property: INodeProperties): string[] {
	return ((property.options ?? []) as INodePropertyOptions[]).map((option) => String(option.value));
}

/** A model AceData's live list may offer that the table does not know: it is treated like Custom Model ID. */
const UNKNOWN = 'gpt-image-3-preview';

describe('model table', () => {
	it('knows every model AceData offers on this endpoint (the contract), the retired DALL·E 2 last, then Custom Model ID', () => {
		const current = contract.data.models.filter((id: string) => id !== 'dall-e-2');
		expect([...MODEL_IDS]).toEqual([...current, 'dall-e-2', 'custom']);
		expect(MODEL_RULES.filter((rule) => rule.retired).map((rule) => [rule.id, rule.name])).toEqual([
			['dall-e-2', 'DALL·E 2 (Retired)'],
		]);
	});

	it('loads the Model list live, and keeps the default a saved workflow relies on', () => {
		const model = properties.find((property) => property.name === 'model') as INodeProperties;
		expect(model.typeOptions?.loadOptionsMethod).toBe('listModels');
		expect(model.default).toBe('gpt-image-1');
		expect(
			imageProperties('edit').find((property) => property.name === 'model')?.typeOptions
				?.loadOptionsMethod,
		).toBe('listEditModels');
	});

	it.each([...MODEL_RULES.map((rule) => [rule.id]), [UNKNOWN]])(
		'shows %s exactly one Size, with its own sizes',
		(id) => {
			const rule = getModelRule(id);
			const sizes = properties.filter(
				(property) => property.name === 'size' && visibleFor(property.displayOptions, id, 'model'),
			);
			expect(sizes).toHaveLength(1);
			if (rule.size.kind === 'list') {
				expect(sizes[0].type).toBe('options');
				expect(values(sizes[0])).toEqual([...rule.size.values]);
			} else {
				expect(sizes[0].type).toBe('string');
			}
			expect(sizes[0].default).toBe(rule.size.default);
		},
	);

	it.each([...MODEL_RULES.map((rule) => [rule.id]), [UNKNOWN]])(
		'shows %s each option only with the values it accepts',
		(id) => {
			const rule = getModelRule(id);
			for (const option of ENUM_OPTIONS) {
				const entries = options.filter(
					(entry) => entry.name === option && visibleFor(entry.displayOptions, id, '/model'),
				);
				const accepted = rule[option];
				if (!accepted) {
					expect({ option, shown: entries.length }).toEqual({ option, shown: 0 });
				} else {
					expect(entries).toHaveLength(1);
					expect(values(entries[0])).toEqual([...accepted]);
					expect(accepted).toContain(entries[0].default);
				}
			}
		},
	);

	it('shows compression and partial images exactly to the models that take them (and to unknown models)', () => {
		for (const [name, takes] of [
			['outputCompression', (id: string) => getModelRule(id).outputCompression],
			['partialImages', (id: string) => getModelRule(id).partialImages],
		] as const) {
			const entry = options.find((candidate) => candidate.name === name) as INodeProperties;
			for (const id of [...MODEL_IDS, UNKNOWN]) {
				expect({ name, id, shown: visibleFor(entry.displayOptions, id, '/model') }).toEqual({
					name,
					id,
					shown: takes(id),
				});
			}
		}
	});

	it('offers the Nano Banana models only prompt, size and up to 10 images', () => {
		for (const id of ['nano-banana', 'nano-banana-2', 'nano-banana-2-lite', 'nano-banana-pro']) {
			const shown = options
				.filter((entry) => visibleFor(entry.displayOptions, id, '/model'))
				.map((entry) => entry.name);
			for (const name of [
				'quality',
				'style',
				'background',
				'moderation',
				'outputFormat',
				'outputCompression',
				'responseFormat',
			]) {
				expect(shown).not.toContain(name);
			}
			expect(shown).not.toContain('n'); // Number of Images is a top-level field, shown for them (below)
			expect(getModelRule(id).maxImages).toBe(10);
		}
	});

	it('treats a model it does not know like Custom Model ID', () => {
		expect(getModelRule(UNKNOWN)).toBe(getModelRule('custom'));
	});
});
