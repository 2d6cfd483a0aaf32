import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { CUSTOM_MODEL, MODEL_RULES, type ModelRule } from '../models/modelRules';
import { AceDataClient } from '../transport/client';

/** Model IDs on AceData's list that are image models (the list may hold chat models too). */
const IMAGE_MODEL = /image|dall-e|banana/i;

/** The model IDs AceData offers now, or none when it cannot be asked (offline, no credential). */
async function liveModelIds(ctx: ILoadOptionsFunctions): Promise<string[]> {
	try {
		const client = await AceDataClient.create(ctx, { itemIndex: 0 });
		return (await client.listModels()).filter((id) => IMAGE_MODEL.test(id));
	} catch {
		// Offline or no credential yet: the built-in list still works, and the field takes any ID by expression.
		return [];
	}
}

const asOption = (rule: ModelRule): INodePropertyOptions => ({
	name: rule.name,
	value: rule.id,
	description: rule.description,
});

/**
 * The Model list: every model of the table the operation can use, then any image model AceData offers that the
 * table does not know yet (generic checks apply to it), then Custom Model ID.
 */
async function modelOptions(
	ctx: ILoadOptionsFunctions,
	edit: boolean,
): Promise<INodePropertyOptions[]> {
	const known = MODEL_RULES.filter((rule) => rule.id !== CUSTOM_MODEL && (!edit || rule.edit));
	const ids = new Set(MODEL_RULES.map((rule) => rule.id));
	const extra = [...new Set(await liveModelIds(ctx))].filter((id) => !ids.has(id));
	return [
		...known.map(asOption),
		...extra.map((id) => ({
			name: id,
			value: id,
			description: 'Offered by AceData; not in the node’s table yet, so only generic checks apply',
		})),
		asOption(MODEL_RULES[MODEL_RULES.length - 1]),
	];
}

export async function listModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await modelOptions(this, false);
}

export async function listEditModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await modelOptions(this, true);
}
