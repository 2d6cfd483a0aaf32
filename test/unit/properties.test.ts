/**
 * Property tests derived from the model table: random parameter sets over every model. Every set the table calls
 * invalid is refused, naming a parameter that is really wrong; every valid one becomes exactly the wire body
 * expected (snake_case, nothing unset, nothing extra). The oracle below reads only the table's data, and checks
 * sizes and lengths with its own arithmetic, so it does not share the validator's code.
 */
import fc from 'fast-check';

import { check } from '../harness/check';

import { buildImageFields } from '../../nodes/AceDataImages/helpers/requestBody';
import {
	ENUM_OPTIONS,
	MODEL_RULES,
	type EnumOption,
	type ModelRule,
} from '../../nodes/AceDataImages/models/modelRules';
import {
	ImageRequestValidationError,
	PARAMETER_LABELS,
	validateImageRequest,
	type ImageRequestInput,
} from '../../nodes/AceDataImages/models/validation';
import type { Delivery } from '../../nodes/AceDataImages/models/defaults';

const RUNS = 10_000;
const SEED = 20261130;

/** Every value any model accepts for an enumerated option, plus one no model accepts. */
const ENUM_VALUES = new Map(
	ENUM_OPTIONS.map((option) => [
		option,
		[...new Set(MODEL_RULES.flatMap((rule) => rule[option] ?? [])), 'bogus'],
	]),
);
const enumValues = (option: EnumOption) => ENUM_VALUES.get(option) as string[];

/** Sizes from every model's list and suggestions, plus edge cases around the gpt-image-2 rule and malformed ones. */
const SIZES = [
	...new Set(
		MODEL_RULES.flatMap((rule) =>
			'values' in rule.size ? rule.size.values : rule.size.suggestions,
		).concat([
			'',
			'auto',
			'3840x2160',
			'3856x2160',
			'1008x1008',
			'800x800',
			'2880x960',
			'2896x960',
			'4096x4096',
			'01024x1024',
			'1024X1024',
			'0x1024',
			'big',
			'1024 x 1024',
		]),
	),
];

const WIRE: Array<[keyof ImageRequestInput, string]> = [
	['prompt', 'prompt'],
	['n', 'n'],
	['size', 'size'],
	['quality', 'quality'],
	['style', 'style'],
	['background', 'background'],
	['moderation', 'moderation'],
	['outputFormat', 'output_format'],
	['outputCompression', 'output_compression'],
	['partialImages', 'partial_images'],
	['responseFormat', 'response_format'],
	['callbackUrl', 'callback_url'],
	['traceId', 'trace_id'],
];

/** Mostly unset or a value this model accepts, sometimes anything: both sides of the table get exercised. */
function field<T>(
	own: readonly T[],
	any: fc.Arbitrary<T>,
	anyWeight = 1,
): fc.Arbitrary<T | undefined> {
	const options: Array<fc.WeightedArbitrary<T | undefined>> = [
		{ arbitrary: fc.constant(undefined), weight: 6 },
		{ arbitrary: any, weight: anyWeight },
	];
	if (own.length > 0) options.push({ arbitrary: fc.constantFrom(...own), weight: 6 });
	return fc.oneof(...options);
}

function promptFor(rule: ModelRule): fc.Arbitrary<string> {
	// Around the model's limit, in characters as people count them (emoji and CJK count once).
	const unit = fc.constantFrom('a', 'é', '猫', '🐱');
	const length = fc.oneof(
		{ arbitrary: fc.constantFrom(1, 12, 200), weight: 8 },
		{ arbitrary: fc.constantFrom(0, rule.promptMaxLength, rule.promptMaxLength + 1), weight: 2 },
	);
	return fc.tuple(length, unit, fc.boolean()).map(([count, char, padded]) => {
		const text = char.repeat(count);
		return padded && count > 0 ? ` ${text} ` : text;
	});
}

/** WxH on and off the 16 grid, across the pixel, side and aspect limits. */
const side = fc.oneof(
	fc.integer({ min: 1, max: 260 }).map((k) => k * 16),
	fc.integer({ min: 1, max: 4200 }),
);
const anySize = fc.tuple(side, side).map(([width, height]) => `${width}x${height}`);
/** On the grid, with aspect ratios around the 3:1 limit, either way round. */
const gridSize = fc
	.tuple(
		fc.integer({ min: 40, max: 240 }),
		fc.constantFrom(1, 1.5, 2.9, 3, 3.2, 3.6, 4, 5),
		fc.boolean(),
	)
	.map(([k, ratio, tall]) => {
		const long = k * 16;
		const short = Math.max(16, Math.round(long / ratio / 16) * 16);
		return tall ? `${short}x${long}` : `${long}x${short}`;
	});
const randomSize = fc.oneof(anySize, gridSize, gridSize);

const enumField = (rule: ModelRule, option: EnumOption) =>
	field(rule[option] ?? [], fc.constantFrom(...enumValues(option)));

const input = fc.constantFrom(...MODEL_RULES).chain((rule) =>
	fc.record({
		rule: fc.constant(rule),
		delivery: fc.constantFrom<Delivery>('wait', 'poll', 'submit'),
		customModel: fc.constantFrom(
			'',
			'gpt-image-2:official',
			'nano-banana-pro',
			'gpt-image-2.5-flare',
		),
		prompt: promptFor(rule),
		n: fc.oneof(
			{ arbitrary: fc.integer({ min: 1, max: rule.maxImages }), weight: 8 },
			{
				arbitrary: fc.oneof(fc.integer({ min: -1, max: 12 }), fc.constantFrom(1.5, Number.NaN)),
				weight: 1,
			},
		),
		size: field(
			'values' in rule.size ? rule.size.values : rule.size.suggestions,
			fc.oneof(
				{ arbitrary: fc.constantFrom(...SIZES), weight: 1 },
				{ arbitrary: randomSize, weight: 8 },
			),
			6,
		),
		quality: enumField(rule, 'quality'),
		style: enumField(rule, 'style'),
		background: enumField(rule, 'background'),
		moderation: enumField(rule, 'moderation'),
		outputFormat: enumField(rule, 'outputFormat'),
		responseFormat: enumField(rule, 'responseFormat'),
		outputCompression: field(
			rule.outputCompression ? [0, 55, 100] : [],
			fc.oneof(fc.integer({ min: -5, max: 105 }), fc.constantFrom(50.5, Number.NaN)),
		),
		partialImages: field(
			rule.partialImages ? [0, 1, 3] : [],
			fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constant(Number.NaN)),
		),
		callbackUrl: field(
			['https://hooks.example/acedata', 'http://n8n.local:5678/webhook/x'],
			fc.constantFrom('ftp://x', 'https://a b', 'hooks.example'),
		),
		traceId: fc.oneof(
			{ arbitrary: fc.constantFrom('trace-1', 'x'.repeat(200)), weight: 8 },
			{ arbitrary: fc.constant('x'.repeat(201)), weight: 1 },
		),
	}),
);

type Sample = typeof input extends fc.Arbitrary<infer T> ? T : never;

function toInput(sample: Sample): ImageRequestInput {
	const { rule } = sample;
	return {
		operation: 'generate',
		model: rule.id,
		modelId: rule.id === 'custom' ? sample.customModel.trim() : rule.id,
		prompt: sample.prompt,
		n: sample.n,
		size: sample.size,
		quality: sample.quality,
		style: sample.style,
		background: sample.background,
		moderation: sample.moderation,
		outputFormat: sample.outputFormat,
		outputCompression: sample.outputCompression,
		partialImages: sample.partialImages,
		responseFormat: sample.responseFormat,
		callbackUrl: sample.callbackUrl,
		traceId: sample.traceId,
	};
}

const isWhole = (value: number, min: number, max: number) =>
	Number.isInteger(value) && value >= min && value <= max;

/** The oracle: which sizes a size rule accepts, by its own arithmetic. */
function sizeAccepted(rule: ModelRule, size: string): boolean {
	if (rule.size.kind === 'list') return rule.size.values.includes(size);
	if (size === 'auto' || (rule.size.kind === 'free' && size === '')) return true;
	const match = /^([1-9][0-9]*)x([1-9][0-9]*)$/.exec(size);
	if (!match) return false;
	if (rule.size.kind === 'free') return true;
	const [width, height] = [Number(match[1]), Number(match[2])];
	const [long, short] = [Math.max(width, height), Math.min(width, height)];
	return (
		width % 16 === 0 &&
		height % 16 === 0 &&
		long <= 3840 &&
		width * height >= 655_360 &&
		width * height <= 8_294_400 &&
		long <= 3 * short
	);
}

/** The oracle: every parameter that is wrong for this model, by the table. */
function wrongParameters(value: ImageRequestInput, rule: ModelRule): Set<string> {
	const wrong = new Set<string>();
	if (value.modelId === '') wrong.add('customModel');
	const prompt = value.prompt.trim();
	if (prompt.length === 0 || [...prompt].length > rule.promptMaxLength) wrong.add('prompt');
	if (!isWhole(value.n, 1, rule.maxImages)) wrong.add('n');
	if (value.size !== undefined && !sizeAccepted(rule, value.size)) wrong.add('size');
	for (const option of ENUM_OPTIONS) {
		const chosen = value[option];
		if (chosen !== undefined && !(rule[option] ?? []).includes(chosen)) wrong.add(option);
	}
	const compression = value.outputCompression;
	if (compression !== undefined) {
		const jpegOrWebp = value.outputFormat === 'jpeg' || value.outputFormat === 'webp';
		if (!isWhole(compression, 0, 100) || !rule.outputCompression || !jpegOrWebp)
			wrong.add('outputCompression');
	}
	if (
		value.partialImages !== undefined &&
		(!isWhole(value.partialImages, 0, 3) || !rule.partialImages)
	)
		wrong.add('partialImages');
	if (value.background === 'transparent' && value.outputFormat === 'jpeg') wrong.add('background');
	if (value.responseFormat === 'b64_json' && rule.base64SingleImage && value.n !== 1)
		wrong.add('responseFormat');
	if (value.callbackUrl !== undefined && !/^https?:\/\/[^\s/]+\S*$/.test(value.callbackUrl))
		wrong.add('callbackUrl');
	if ((value.traceId ?? '').length > 200) wrong.add('traceId');
	return wrong;
}

describe(`properties over the model table (${RUNS.toLocaleString('en-US')} runs, seed ${SEED})`, () => {
	it('refuses exactly the invalid sets, naming a wrong parameter; sends exactly the valid ones', () => {
		const seen = { valid: 0, invalid: 0 };
		fc.assert(
			fc.property(input, (sample) => {
				const value = toInput(sample);
				const wrong = wrongParameters(value, sample.rule);
				let thrown: unknown;
				try {
					validateImageRequest(value);
				} catch (error) {
					thrown = error;
				}
				check(
					thrown === undefined || thrown instanceof ImageRequestValidationError,
					`threw ${String(thrown)}`,
				);
				const refused = thrown as ImageRequestValidationError | undefined;
				if (wrong.size > 0) {
					seen.invalid++;
					check(refused, `accepted although ${[...wrong].join(', ')} are wrong`);
					check(
						wrong.has(refused.parameter),
						`refused naming ${refused.parameter}, but the wrong ones are ${[...wrong].join(', ')}`,
					);
					check(
						refused.message.includes(`Parameter "${PARAMETER_LABELS[refused.parameter]}"`),
						`a refusal without the label: ${refused.message}`,
					);
					return;
				}
				seen.valid++;
				check(refused === undefined, `refused a valid set: ${refused?.message}`);
				const expected: Record<string, unknown> = { model: value.modelId };
				for (const [key, wire] of WIRE) {
					const field = value[key];
					if (field !== undefined && field !== '') expected[wire] = field;
				}
				if (sample.delivery !== 'wait') expected.async = true;
				expect(buildImageFields(value, sample.delivery !== 'wait')).toEqual(expected);
			}),
			{ numRuns: RUNS, seed: SEED },
		);
		// Both sides of the table are exercised, not only refusals.
		expect(seen.valid).toBeGreaterThan(RUNS / 10);
		expect(seen.invalid).toBeGreaterThan(RUNS / 10);
	});
});
