/**
 * The one table of per-model rules. The UI options (description), the validation before any request, the model
 * list, and the README's model table are all derived from it: nothing about a model is written twice.
 * Sources: AceData's published spec and guides (see the contract file, scripts/simulator/contract.json).
 */

/** How a model's `size` is checked. */
export type SizeRule =
	| { kind: 'list'; values: readonly string[]; default: string }
	/** Any WxH on a grid within side, pixel and aspect limits (GPT Image 2 and 2.5), or `auto`. */
	| {
			kind: 'grid';
			multipleOf: number;
			maxSide: number;
			minPixels: number;
			maxPixels: number;
			maxAspect: number;
			suggestions: readonly string[];
			default: string;
	  }
	/** Custom and unknown models: `auto` or any WxH; empty leaves it to the API. */
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
	/** A mask may be sent (whether AceData promises to apply it: `masksPromised`). */
	mask: boolean;
}

export interface ModelRule {
	/** The model ID sent on the wire (`custom`: the Custom Model ID field's value). */
	id: string;
	/** Label in the model list. */
	name: string;
	description: string;
	/** Retired by AceData: still accepted with its rules (saved workflows), listed last, not suggested. */
	retired?: string;
	promptMaxLength: number;
	/** Most images per request (`n`); 1 where the model takes only one. */
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
	/** `response_format: b64_json` is answered only for one image (n = 1). */
	base64SingleImage: boolean;
	/** null: the model does not edit through this API. */
	edit: EditRule | null;
}

const MB = 1024 * 1024;
const GPT_IMAGE_QUALITY = ['auto', 'high', 'medium', 'low'] as const;
const OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;
const RESPONSE_FORMATS = ['url', 'b64_json'] as const;

const GPT_IMAGE_SIZES: SizeRule = {
	kind: 'list',
	values: ['auto', '1024x1024', '1536x1024', '1024x1536'],
	default: 'auto',
};
const GPT_IMAGE_2_SIZES: SizeRule = {
	kind: 'grid',
	multipleOf: 16,
	maxSide: 3840,
	minPixels: 655_360,
	maxPixels: 8_294_400,
	maxAspect: 3,
	suggestions: [
		'auto',
		'1024x1024',
		'1536x1024',
		'1024x1536',
		'2048x2048',
		'3840x2160',
		'2160x3840',
	],
	default: 'auto',
};
/** Nano Banana maps these to aspect ratios (1:1, 16:9, 9:16); any other size silently becomes 1:1, so none is sent. */
const NANO_BANANA_SIZES: SizeRule = {
	kind: 'list',
	values: ['1024x1024', '1792x1024', '1024x1792', '512x512', '256x256'],
	default: '1024x1024',
};

const gptImageEdit: EditRule = {
	maxImages: 16,
	maxImageBytes: 50 * MB,
	squarePngOnly: false,
	inputFidelity: true,
	mask: true,
};

function gptImage(id: string, name: string, description: string, size: SizeRule): ModelRule {
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
		responseFormat: RESPONSE_FORMATS,
		base64SingleImage: true,
		edit: gptImageEdit,
	};
}

/** Google's models through this API honour only prompt, size and (since 2026) n, each image billed. */
function nanoBanana(id: string, name: string, description: string): ModelRule {
	return {
		id,
		name,
		description,
		promptMaxLength: 32000,
		maxImages: 10,
		size: NANO_BANANA_SIZES,
		outputCompression: false,
		partialImages: false,
		base64SingleImage: false,
		edit: {
			maxImages: 16,
			maxImageBytes: 50 * MB,
			squarePngOnly: false,
			inputFidelity: false,
			mask: false,
		},
	};
}

export const CUSTOM_MODEL = 'custom';

export const MODEL_RULES: readonly ModelRule[] = [
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
		responseFormat: RESPONSE_FORMATS,
		base64SingleImage: false,
		edit: null,
	},
	gptImage(
		'gpt-image-1',
		'GPT Image 1',
		'Best at following instructions and rendering text',
		GPT_IMAGE_SIZES,
	),
	gptImage(
		'gpt-image-1.5',
		'GPT Image 1.5',
		'Faster and cheaper successor of GPT Image 1',
		GPT_IMAGE_SIZES,
	),
	gptImage(
		'gpt-image-2',
		'GPT Image 2',
		'Any size up to 4K (WxH, sides multiples of 16)',
		GPT_IMAGE_2_SIZES,
	),
	gptImage(
		'gpt-image-2:official',
		'GPT Image 2 (Official)',
		'GPT Image 2 from OpenAI directly, billed by tokens',
		GPT_IMAGE_2_SIZES,
	),
	gptImage(
		'gpt-image-2:reverse',
		'GPT Image 2 (Reverse)',
		'The gpt-image-2:reverse variant AceData offers',
		GPT_IMAGE_2_SIZES,
	),
	gptImage(
		'gpt-image-2.5-flare',
		'GPT Image 2.5 Flare',
		'GPT Image 2.5, any size up to 4K',
		GPT_IMAGE_2_SIZES,
	),
	gptImage(
		'gpt-image-2.5-flare:official',
		'GPT Image 2.5 Flare (Official)',
		'GPT Image 2.5 Flare billed by tokens',
		GPT_IMAGE_2_SIZES,
	),
	gptImage(
		'gpt-image-2.5-sunburst',
		'GPT Image 2.5 Sunburst',
		'GPT Image 2.5, any size up to 4K',
		GPT_IMAGE_2_SIZES,
	),
	gptImage(
		'gpt-image-2.5-sunburst:official',
		'GPT Image 2.5 Sunburst (Official)',
		'GPT Image 2.5 Sunburst billed by tokens',
		GPT_IMAGE_2_SIZES,
	),
	nanoBanana(
		'nano-banana',
		'Nano Banana',
		"Google's image model: prompt, size (1:1, 16:9, 9:16) and up to 10 images",
	),
	nanoBanana(
		'nano-banana-2',
		'Nano Banana 2',
		"Google's second Nano Banana: prompt, size and up to 10 images",
	),
	nanoBanana(
		'nano-banana-2-lite',
		'Nano Banana 2 Lite',
		'The fast, cheap Nano Banana 2: prompt, size and up to 10 images',
	),
	nanoBanana(
		'nano-banana-pro',
		'Nano Banana Pro',
		"Google's best image model: prompt, size and up to 10 images",
	),
	{
		id: 'dall-e-2',
		name: 'DALL·E 2 (Retired)',
		description:
			'Retired by AceData in July 2026; kept so saved workflows keep working: choose a GPT Image model instead',
		retired: '2026-07-27',
		promptMaxLength: 1000,
		maxImages: 10,
		size: { kind: 'list', values: ['256x256', '512x512', '1024x1024'], default: '1024x1024' },
		quality: ['standard'],
		outputCompression: false,
		partialImages: false,
		responseFormat: RESPONSE_FORMATS,
		base64SingleImage: false,
		edit: {
			maxImages: 1,
			maxImageBytes: 4 * MB,
			squarePngOnly: true,
			inputFidelity: false,
			mask: true,
		},
	},
	{
		id: CUSTOM_MODEL,
		name: 'Custom Model ID',
		description: 'Any other model AceData offers, by its ID; only generic checks apply',
		promptMaxLength: 32000,
		maxImages: 10,
		size: {
			kind: 'free',
			suggestions: ['auto', '1024x1024', '1536x1024', '1024x1536'],
			default: '',
		},
		quality: ['auto', 'high', 'medium', 'low', 'hd', 'standard'],
		style: ['vivid', 'natural'],
		background: ['auto', 'transparent', 'opaque'],
		moderation: ['auto', 'low'],
		outputFormat: OUTPUT_FORMATS,
		outputCompression: true,
		partialImages: true,
		responseFormat: RESPONSE_FORMATS,
		base64SingleImage: false,
		edit: { ...gptImageEdit },
	},
];

/** Every model the node knows, in list order (`custom` last). */
export const MODEL_IDS: readonly string[] = MODEL_RULES.map((rule) => rule.id);

/** The rules of a model; a model the table does not know (from AceData's live list) gets the generic ones. */
export function getModelRule(id: string): ModelRule {
	return MODEL_RULES.find((rule) => rule.id === id) ?? MODEL_RULES[MODEL_RULES.length - 1];
}

/**
 * Whether AceData promises to apply a mask: on the `:official` lines (its newest edit guide); elsewhere it may be
 * ignored while the edit is billed. Read from the model ID, so a custom or live-listed `:official` model counts.
 */
export function masksPromised(modelId: string): boolean {
	return /:official$/.test(modelId);
}

/** What a size rule accepts, in words: for the Size hint, the README and the refusal. */
export function describeSize(size: SizeRule): string {
	if (size.kind === 'list') return size.values.join(', ');
	if (size.kind === 'free') return 'auto, any WIDTHxHEIGHT, or empty to let AceData choose';
	const number = (value: number) => value.toLocaleString('en-US');
	return `auto, or WIDTHxHEIGHT with both sides multiples of ${size.multipleOf}, the long side at most ${number(size.maxSide)}, ${number(size.minPixels)} to ${number(size.maxPixels)} pixels, aspect ratio at most ${size.maxAspect}:1`;
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
export function modelsWhere(predicate: (rule: ModelRule) => boolean): string[] {
	return MODEL_RULES.filter(predicate).map((rule) => rule.id);
}

/**
 * Groups the models by the value list they accept for an option, so the UI shows each model exactly its values.
 */
export function valueGroups(
	option: EnumOption,
): Array<{ values: readonly string[]; models: string[] }> {
	const groups = new Map<string, { values: readonly string[]; models: string[] }>();
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
