/**
 * The one table of per-model rules. The UI options (description), the validation before any request,
 * and the README's parameter table are all derived from it: nothing about a model is written twice.
 */

export const MODEL_IDS = [
	'dall-e-2',
	'dall-e-3',
	'gpt-image-1',
	'gpt-image-1.5',
	'gpt-image-2',
	'nano-banana',
	'custom',
] as const;

export type ModelId = (typeof MODEL_IDS)[number];

/** How a model's `size` is checked. */
export type SizeRule =
	| { kind: 'list'; values: readonly string[]; default: string }
	/** gpt-image-2: any WxH, sides multiples of 16, long side ≤ 3840, 655,360–8,294,400 px, aspect ≤ 3:1, or auto */
	| { kind: 'gptImage2'; suggestions: readonly string[]; default: string }
	/** nano-banana and custom models: `auto` or any WxH; empty leaves it to the API */
	| { kind: 'free'; suggestions: readonly string[]; default: string };

export interface EditRule {
	/** Most input images accepted in one edit. */
	maxImages: number;
	/** Largest accepted input image, in bytes. */
	maxImageBytes: number;
	/** dall-e-2 edits take one square PNG only. */
	squarePngOnly: boolean;
	/** `input_fidelity` is accepted. */
	inputFidelity: boolean;
	/** A mask may be sent. */
	mask: boolean;
}

export interface ModelRule {
	id: ModelId;
	/** Label in the model list. */
	name: string;
	description: string;
	promptMaxLength: number;
	maxImages: number;
	size: SizeRule;
	/** Values accepted for each enumerated option; an absent key means the model does not accept that option. */
	quality?: readonly string[];
	style?: readonly string[];
	background?: readonly string[];
	moderation?: readonly string[];
	outputFormat?: readonly string[];
	/** `output_compression` (0–100); only with jpeg or webp output. */
	outputCompression: boolean;
	partialImages: boolean;
	responseFormat?: readonly string[];
	/** How the model answers when no response format is asked for. */
	defaultAnswer: 'url' | 'b64_json' | 'either';
	/** null: the model does not edit through this API. */
	edit: EditRule | null;
}

const GPT_IMAGE_QUALITY = ['auto', 'high', 'medium', 'low'] as const;
const GPT_IMAGE_SIZES = ['auto', '1024x1024', '1536x1024', '1024x1536'] as const;
const OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;
const MB = 1024 * 1024;

const gptImageEdit: EditRule = {
	maxImages: 16,
	maxImageBytes: 50 * MB,
	squarePngOnly: false,
	inputFidelity: true,
	mask: true,
};

function gptImage(id: ModelId, name: string, description: string, size: SizeRule): ModelRule {
	return {
		id,
		name,
		description,
		promptMaxLength: 32000,
		maxImages: 10,
		size,
		quality: GPT_IMAGE_QUALITY,
		background: ['auto', 'transparent', 'opaque'],
		moderation: ['auto', 'low'],
		outputFormat: OUTPUT_FORMATS,
		outputCompression: true,
		partialImages: true,
		defaultAnswer: 'either',
		edit: gptImageEdit,
	};
}

export const MODEL_RULES: readonly ModelRule[] = [
	{
		id: 'dall-e-2',
		name: 'DALL·E 2',
		description: 'Fast and cheap; square images only',
		promptMaxLength: 1000,
		maxImages: 10,
		size: { kind: 'list', values: ['256x256', '512x512', '1024x1024'], default: '1024x1024' },
		quality: ['standard'],
		outputCompression: false,
		partialImages: false,
		responseFormat: ['url', 'b64_json'],
		defaultAnswer: 'url',
		edit: { maxImages: 1, maxImageBytes: 4 * MB, squarePngOnly: true, inputFidelity: false, mask: true },
	},
	{
		id: 'dall-e-3',
		name: 'DALL·E 3',
		description: 'One image per request; rewrites the prompt (returned as revised prompt)',
		promptMaxLength: 4000,
		maxImages: 1,
		size: { kind: 'list', values: ['1024x1024', '1792x1024', '1024x1792'], default: '1024x1024' },
		quality: ['standard', 'hd'],
		style: ['vivid', 'natural'],
		outputCompression: false,
		partialImages: false,
		responseFormat: ['url', 'b64_json'],
		defaultAnswer: 'url',
		edit: null,
	},
	gptImage('gpt-image-1', 'GPT Image 1', 'Best at following instructions and rendering text', {
		kind: 'list',
		values: GPT_IMAGE_SIZES,
		default: 'auto',
	}),
	gptImage('gpt-image-1.5', 'GPT Image 1.5', 'Faster and cheaper successor of GPT Image 1', {
		kind: 'list',
		values: GPT_IMAGE_SIZES,
		default: 'auto',
	}),
	gptImage('gpt-image-2', 'GPT Image 2', 'Any size up to 4K (WxH, sides multiples of 16)', {
		kind: 'gptImage2',
		suggestions: ['auto', '1024x1024', '1536x1024', '1024x1536', '2048x2048', '3840x2160', '2160x3840'],
		default: 'auto',
	}),
	{
		id: 'nano-banana',
		name: 'Nano Banana',
		description: "Google's image model; honours only prompt, size and number of images here",
		promptMaxLength: 32000,
		maxImages: 10,
		size: { kind: 'free', suggestions: ['auto', '1024x1024', '1536x1024', '1024x1536'], default: '' },
		outputCompression: false,
		partialImages: false,
		defaultAnswer: 'either',
		edit: { maxImages: 16, maxImageBytes: 50 * MB, squarePngOnly: false, inputFidelity: false, mask: false },
	},
	{
		id: 'custom',
		name: 'Custom Model ID',
		description: 'Any other model AceData offers (e.g. gpt-image-2:official); only generic checks apply',
		promptMaxLength: 32000,
		maxImages: 10,
		size: { kind: 'free', suggestions: ['auto', '1024x1024', '1536x1024', '1024x1536'], default: '' },
		quality: ['auto', 'high', 'medium', 'low', 'hd', 'standard'],
		style: ['vivid', 'natural'],
		background: ['auto', 'transparent', 'opaque'],
		moderation: ['auto', 'low'],
		outputFormat: OUTPUT_FORMATS,
		outputCompression: true,
		partialImages: true,
		responseFormat: ['url', 'b64_json'],
		defaultAnswer: 'either',
		edit: { ...gptImageEdit },
	},
];

export function getModelRule(id: string): ModelRule {
	return MODEL_RULES.find((rule) => rule.id === id) ?? MODEL_RULES[MODEL_RULES.length - 1];
}

/** The enumerated options whose accepted values differ per model. */
export const ENUM_OPTIONS = [
	'quality',
	'style',
	'background',
	'moderation',
	'outputFormat',
	'responseFormat',
] as const;
export type EnumOption = (typeof ENUM_OPTIONS)[number];

/** Models that accept a feature, for `displayOptions`. */
export function modelsWhere(predicate: (rule: ModelRule) => boolean): ModelId[] {
	return MODEL_RULES.filter(predicate).map((rule) => rule.id);
}

/**
 * Groups the models by the value list they accept for an option, so the UI shows each model exactly its values.
 */
export function valueGroups(option: EnumOption): Array<{ values: readonly string[]; models: ModelId[] }> {
	const groups = new Map<string, { values: readonly string[]; models: ModelId[] }>();
	for (const rule of MODEL_RULES) {
		const values = rule[option];
		if (!values) continue;
		const key = values.join('|');
		const group = groups.get(key) ?? { values, models: [] };
		group.models.push(rule.id);
		groups.set(key, group);
	}
	return [...groups.values()];
}
