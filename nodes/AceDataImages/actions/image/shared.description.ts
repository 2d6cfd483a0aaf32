import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import {
	CUSTOM_MODEL,
	MODEL_IDS,
	MODEL_RULES,
	describeSize,
	modelsWhere,
	valueGroups,
	type EnumOption,
	type ModelRule,
} from '../../models/modelRules';
import {
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	MAX_CONCURRENCY,
	MAX_IMAGES_CAP,
	MAX_POLL_INTERVAL_SECONDS,
	PARAMETER_LABELS,
} from '../../models/defaults';
import {
	binaryPropertyOption,
	downloadImagesOption,
	fileNameOption,
	maxDownloadOption,
	outputLayoutOption,
	timeoutOption,
} from '../output.description';

/**
 * The parameters Generate and Edit share, derived from the model table: each model is offered exactly the
 * sizes and option values it accepts.
 */

const VALUE_LABELS: Record<string, string> = {
	auto: 'Auto',
	high: 'High',
	medium: 'Medium',
	low: 'Low',
	hd: 'HD',
	standard: 'Standard',
	vivid: 'Vivid',
	natural: 'Natural',
	transparent: 'Transparent',
	opaque: 'Opaque',
	png: 'PNG',
	jpeg: 'JPEG',
	webp: 'WebP',
	url: 'URL',
	b64_json: 'Base64 (b64_json)',
};

const OPTION_TEXT: Record<
	EnumOption,
	{ displayName: string; description: string; preferredDefault: string[] }
> = {
	quality: {
		displayName: PARAMETER_LABELS.quality,
		description: 'Higher quality costs more and takes longer',
		preferredDefault: ['auto', 'standard'],
	},
	style: {
		displayName: PARAMETER_LABELS.style,
		description: 'Vivid is hyper-real and dramatic, natural more neutral',
		preferredDefault: ['vivid'],
	},
	background: {
		displayName: PARAMETER_LABELS.background,
		description: 'Transparent needs PNG or WebP output',
		preferredDefault: ['auto'],
	},
	moderation: {
		displayName: PARAMETER_LABELS.moderation,
		description: 'Low relaxes content filtering',
		preferredDefault: ['auto'],
	},
	outputFormat: {
		displayName: PARAMETER_LABELS.outputFormat,
		description: 'File format of the images',
		preferredDefault: ['png'],
	},
	responseFormat: {
		displayName: PARAMETER_LABELS.responseFormat,
		description:
			'How AceData returns the images; both become binary files unless Download Images is off',
		preferredDefault: ['url'],
	},
};

function label(value: string): string {
	return VALUE_LABELS[value] ?? value;
}

function toOptions(values: readonly string[]): INodePropertyOptions[] {
	return values.map((value) => ({ name: label(value), value }));
}

/** "Up to 32,000 characters (DALL·E 2: 1,000; DALL·E 3: 4,000)", from the table. */
function promptHint(): string {
	const count = (value: number) => value.toLocaleString('en-US');
	const byLength = new Map<number, string[]>();
	for (const rule of MODEL_RULES)
		byLength.set(rule.promptMaxLength, [...(byLength.get(rule.promptMaxLength) ?? []), rule.name]);
	const [common, ...others] = [...byLength.entries()].sort((a, b) => b[1].length - a[1].length);
	const exceptions = others
		.map(([length, names]) => `${names.join(', ')}: ${count(length)}`)
		.join('; ');
	return `Up to ${count(common[0])} characters${exceptions ? ` (${exceptions})` : ''}, counted as people count them`;
}

const MAX_IMAGES = Math.max(...MODEL_RULES.map((rule) => rule.maxImages));
const MAX_EDIT_IMAGES = Math.max(...MODEL_RULES.map((rule) => rule.edit?.maxImages ?? 0));

/**
 * Shown for these models. A group that holds `custom` is shown for every model the table does not know too (models
 * from AceData's live list): it is written as "hidden for the known models outside the group".
 */
function forModels(
	models: string[],
	key: '/model' | 'model' = '/model',
	show: IDisplayOptions['show'] = {},
): IDisplayOptions {
	if (!models.includes(CUSTOM_MODEL)) return { show: { ...show, [key]: models } };
	const hidden = MODEL_IDS.filter((id) => !models.includes(id));
	return { ...(Object.keys(show).length ? { show } : {}), hide: { [key]: hidden } };
}

/** One collection entry per distinct value list, each shown only for the models that accept exactly those values. */
function enumOptionEntries(option: EnumOption): INodeProperties[] {
	const text = OPTION_TEXT[option];
	return valueGroups(option).map(({ values, models }): INodeProperties => {
		const defaultValue = text.preferredDefault.find((value) => values.includes(value)) ?? values[0];
		return {
			displayName: text.displayName,
			name: option,
			type: 'options',
			options: toOptions(values),
			default: defaultValue,
			description: text.description,
			displayOptions: forModels(models),
		};
	});
}

const MODEL_HINT =
	'The models AceData offers, loaded live; each is offered only the sizes and options it accepts';

/**
 * The Model field, its list loaded live. Its default stays what it was when the list was static: n8n leaves a
 * parameter at its default out of saved workflows, so another default would change their model. Two literal
 * objects, not one with a computed method name: n8n's lint (and its scanner) only sees a literal loadOptionsMethod.
 */
function modelProperty(operation: 'generate' | 'edit'): INodeProperties {
	const displayOptions = { show: { resource: ['image'], operation: [operation] } };
	if (operation === 'edit') {
		return {
			displayName: 'Model Name or ID',
			name: 'model',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'listEditModels' },
			default: 'gpt-image-1',
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
			hint: MODEL_HINT,
			displayOptions,
		};
	}
	return {
		displayName: 'Model Name or ID',
		name: 'model',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'listModels' },
		default: 'gpt-image-1',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: MODEL_HINT,
		displayOptions,
	};
}

/** Edit's Size left empty: nothing is sent, and AceData gives the output the first input image's shape. */
const KEEP_SHAPE = {
	name: "Input Image's Shape",
	value: '',
	description: 'Send no size: AceData keeps the shape of the first input image',
};

/**
 * Size, one field per size rule, each shown for its models. Generate defaults to the rule's default; Edit to empty,
 * so the output keeps the input's shape unless the user picks a size.
 */
function sizeProperties(operation: 'generate' | 'edit'): INodeProperties[] {
	const byKey = new Map<string, { rule: ModelRule; models: string[] }>();
	for (const rule of MODEL_RULES) {
		const key = JSON.stringify(rule.size);
		const entry = byKey.get(key) ?? { rule, models: [] };
		entry.models.push(rule.id);
		byKey.set(key, entry);
	}
	return [...byKey.values()].map(({ rule, models }): INodeProperties => {
		const size = rule.size;
		const edit = operation === 'edit';
		const defaultSize = edit ? '' : size.default;
		if (size.kind === 'list') {
			const options = toOptions(size.values).map((option) => ({
				...option,
				name: option.value === 'auto' ? 'Auto' : String(option.value),
			}));
			return {
				displayName: PARAMETER_LABELS.size,
				name: 'size',
				type: 'options',
				options: edit ? [KEEP_SHAPE, ...options] : options,
				default: defaultSize,
				description: edit
					? "Width x height of the edited images, in pixels. Input Image's Shape lets AceData follow the first input image."
					: 'Width x height of the images, in pixels',
				displayOptions: forModels(models, 'model', { resource: ['image'] }),
			};
		}
		const accepted = `Accepted: ${describeSize(size)}. For example ${size.suggestions.join(', ')}`;
		return {
			displayName: PARAMETER_LABELS.size,
			name: 'size',
			type: 'string',
			default: defaultSize,
			placeholder: 'e.g. 1536x1024',
			description: edit
				? `${accepted}. Empty: AceData keeps the first input image's shape.`
				: `${accepted}.`,
			displayOptions: forModels(models, 'model', { resource: ['image'] }),
		};
	});
}

/** Options every image operation shares; edit-only entries are shown only for edits. */
function imageOptions(): INodeProperties {
	const options: INodeProperties[] = [
		...enumOptionEntries('background'),
		binaryPropertyOption,
		{
			displayName: PARAMETER_LABELS.callbackUrl,
			name: 'callbackUrl',
			type: 'string',
			default: '',
			placeholder: 'https://your-n8n/webhook/acedata-images',
			description:
				'AceData POSTs the finished result to this URL (for example an n8n Webhook node). With Wait or Poll the node still returns the images.',
		},
		{
			displayName: PARAMETER_LABELS.concurrency,
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
			default: 1,
			description:
				'How many requests to AceData are open at the same time (one per input item); downloading finished images does not hold a place',
		},
		downloadImagesOption,
		fileNameOption,
		maxDownloadOption,
		{
			displayName: PARAMETER_LABELS.maxImagesPerRun,
			name: 'maxImagesPerRun',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_IMAGES_CAP },
			default: 100,
			description:
				'The most images this node may ask AceData for in one execution (items × Number of Images, earlier runs of this node in a loop and earlier tries included). Items past it are refused before anything is sent. Not added: no cap; an expression that gives no whole number stops the node.',
		},
		{
			displayName: PARAMETER_LABELS.inputFidelity,
			name: 'inputFidelity',
			type: 'options',
			options: [
				{ name: 'High', value: 'high' },
				{ name: 'Low', value: 'low' },
			],
			default: 'low',
			description: 'How closely the edit keeps the input image (faces, logos)',
			displayOptions: forModels(
				modelsWhere((rule) => !!rule.edit?.inputFidelity),
				'/model',
				{ '/operation': ['edit'] },
			),
		},
		{
			displayName: PARAMETER_LABELS.maxWait,
			name: 'maxWait',
			type: 'number',
			typeOptions: { minValue: 10 },
			default: DEFAULT_MAX_WAIT_SECONDS,
			description:
				'How long to wait for a task in all before giving up (the task ID is reported): Poll, Wait with a Callback URL, and the look-up of a job whose answer was lost',
		},
		{
			displayName: PARAMETER_LABELS.maskBinaryPropertyName,
			name: 'maskBinaryPropertyName',
			type: 'string',
			default: '',
			placeholder: 'e.g. mask',
			description:
				'Binary field holding a PNG mask (transparent where the image should change), the size of the first image. AceData promises to apply masks only on the :official models; elsewhere the item carries a notice.',
			displayOptions: forModels(
				modelsWhere((rule) => !!rule.edit?.mask),
				'/model',
				{
					'/operation': ['edit'],
					'/imageSource': ['binary'],
				},
			),
		},
		...enumOptionEntries('moderation'),
		{
			displayName: PARAMETER_LABELS.outputCompression,
			name: 'outputCompression',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: 100,
			description: 'Compression level in percent (JPEG and WebP output only)',
			// Offered once Output Format is JPEG or WebP, where it acts.
			displayOptions: forModels(
				modelsWhere((rule) => rule.outputCompression),
				'/model',
				{ outputFormat: ['jpeg', 'webp'] },
			),
		},
		...enumOptionEntries('outputFormat'),
		outputLayoutOption,
		{
			displayName: PARAMETER_LABELS.partialImages,
			name: 'partialImages',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 3 },
			default: 0,
			description:
				'Number of partial images for streaming (0–3); the node returns the final images',
			displayOptions: forModels(modelsWhere((rule) => rule.partialImages)),
		},
		{
			displayName: PARAMETER_LABELS.pollInterval,
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_POLL_INTERVAL_SECONDS,
			description: `Seconds before the first task check (Poll, Wait with a Callback URL, or the look-up of a job whose answer was lost); later checks back off up to ${MAX_POLL_INTERVAL_SECONDS} s`,
		},
		...enumOptionEntries('quality'),
		...enumOptionEntries('responseFormat'),
		...enumOptionEntries('style'),
		timeoutOption,
		{
			displayName: PARAMETER_LABELS.traceId,
			name: 'traceId',
			type: 'string',
			default: '',
			description:
				'Your own ID for the request, echoed by AceData and in callbacks. Left empty, the node makes one per item: it is how a job whose answer was lost is found again instead of paid twice. Unsafe to reuse: with one ID for several requests or runs, a lost answer cannot be told apart from the other jobs and fails instead of being found.',
		},
	];
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}

/** Where an edit takes its input images from. */
function editSourceProperties(show: Record<string, string[]>): INodeProperties[] {
	return [
		{
			displayName: 'Image Source',
			name: 'imageSource',
			type: 'options',
			options: [
				{ name: 'Binary Fields of the Input Item', value: 'binary' },
				{ name: 'Image URLs', value: 'url' },
			],
			default: 'binary',
			displayOptions: { show },
		},
		{
			displayName: PARAMETER_LABELS.binaryPropertyNames,
			name: 'binaryPropertyNames',
			type: 'string',
			default: 'data',
			placeholder: 'e.g. data, logo',
			description: `Binary fields of the input item holding the images to edit, comma-separated (up to ${MAX_EDIT_IMAGES})`,
			displayOptions: { show: { ...show, imageSource: ['binary'] } },
		},
		{
			displayName: PARAMETER_LABELS.imageUrls,
			name: 'imageUrls',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			placeholder: 'https://example.com/photo.png',
			description: `Public http(s) URLs of the images to edit, or base64 data:image/png|jpeg|webp URLs, one per line or comma-separated (up to ${MAX_EDIT_IMAGES})`,
			displayOptions: { show: { ...show, imageSource: ['url'] } },
		},
	];
}

/** Model, custom model ID, prompt, number, size, delivery and options for an image operation. */
export function imageProperties(operation: 'generate' | 'edit'): INodeProperties[] {
	const show = { resource: ['image'], operation: [operation] };
	const withOperation = (property: INodeProperties): INodeProperties => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...show, ...property.displayOptions?.show },
		},
	});
	return [
		modelProperty(operation),
		{
			displayName: PARAMETER_LABELS.customModel,
			name: 'customModel',
			type: 'string',
			// Not `required`: n8n shows this field whenever Model is an expression, and a required empty field would
			// block those runs. An empty ID with Model "Custom Model ID" is refused when the node runs, naming this field.
			default: '',
			placeholder: 'e.g. gpt-image-2:official',
			description:
				'Required with Model "Custom Model ID": sent verbatim as the model; only generic checks apply',
			displayOptions: { show: { ...show, model: [CUSTOM_MODEL] } },
		},
		...(operation === 'edit' ? editSourceProperties(show) : []),
		{
			displayName: PARAMETER_LABELS.prompt,
			name: 'prompt',
			type: 'string',
			typeOptions: { rows: 4 },
			required: true,
			default: '',
			placeholder: 'e.g. A cute baby sea otter floating on its back, watercolor',
			description: `What to ${operation === 'edit' ? 'change in the images' : 'generate'}`,
			hint: promptHint(),
			displayOptions: { show },
		},
		{
			displayName: PARAMETER_LABELS.n,
			name: 'n',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_IMAGES },
			default: 1,
			description: `How many images to make, 1–${MAX_IMAGES}. Not offered for models that make one image per request (${MODEL_RULES.filter(
				(rule) => rule.maxImages === 1,
			)
				.map((rule) => rule.name)
				.join(', ')}).`,
			// Hidden where the model makes one image: n8n then passes the default, 1.
			displayOptions: forModels(
				modelsWhere((rule) => rule.maxImages > 1),
				'model',
				show,
			),
		},
		...sizeProperties(operation).map(withOperation),
		{
			displayName: 'Delivery',
			name: 'delivery',
			type: 'options',
			options: [
				{
					name: 'Wait for Images',
					value: 'wait',
					description: 'One request that returns the images (long timeout)',
				},
				{
					name: 'Poll Until Done',
					value: 'poll',
					description: 'Submit as a task and check until it finishes: never hits an HTTP timeout',
				},
				{
					name: 'Submit Only',
					value: 'submit',
					description:
						'Return the task ID at once; fetch later with Task › Get or receive it at the Callback URL',
				},
				{
					name: "Wait for AceData's Callback",
					value: 'callback',
					description:
						"Submit, then park the execution (nothing held, no polling) until AceData calls back; the images come out as with Wait for Images. AceData must reach this n8n: set n8n's WEBHOOK_URL to a public address.",
				},
			],
			default: 'wait',
			displayOptions: { show },
		},
		{ ...imageOptions(), displayOptions: { show } },
	];
}
