import type { ImageRequestInput } from '../../nodes/AceDataImages/models/validation';
import { buildImageFields } from '../../nodes/AceDataImages/helpers/requestBody';

const base: ImageRequestInput = {
	operation: 'generate',
	model: 'gpt-image-1',
	modelId: 'gpt-image-1',
	prompt: 'A lighthouse at dawn',
	n: 2,
};

describe('request body', () => {
	it('carries only what was set, with model always', () => {
		expect(buildImageFields(base, false)).toEqual({
			model: 'gpt-image-1',
			prompt: 'A lighthouse at dawn',
			n: 2,
		});
	});

	it('puts every option on the wire in snake_case', () => {
		const body = buildImageFields(
			{
				...base,
				size: '1536x1024',
				quality: 'high',
				background: 'transparent',
				moderation: 'low',
				outputFormat: 'webp',
				outputCompression: 70,
				partialImages: 2,
				callbackUrl: 'https://example.com/hook',
				traceId: 'trace-1',
			},
			false,
		);
		expect(body).toEqual({
			model: 'gpt-image-1',
			prompt: 'A lighthouse at dawn',
			n: 2,
			size: '1536x1024',
			quality: 'high',
			background: 'transparent',
			moderation: 'low',
			output_format: 'webp',
			output_compression: 70,
			partial_images: 2,
			callback_url: 'https://example.com/hook',
			trace_id: 'trace-1',
		});
	});

	it('asks for an asynchronous task for poll and submit', () => {
		expect(buildImageFields(base, true).async).toBe(true);
		expect(buildImageFields(base, true).async).toBe(true);
		expect(buildImageFields(base, false)).not.toHaveProperty('async');
	});

	it('sends the custom model id verbatim and drops empty strings', () => {
		const body = buildImageFields(
			{ ...base, model: 'custom', modelId: 'gpt-image-2:official', size: '' },
			false,
		);
		expect(body.model).toBe('gpt-image-2:official');
		expect(body).not.toHaveProperty('size');
	});

	it('sends input_fidelity for edits only', () => {
		expect(buildImageFields({ ...base, inputFidelity: 'high' }, false)).not.toHaveProperty(
			'input_fidelity',
		);
		expect(
			buildImageFields({ ...base, operation: 'edit', inputFidelity: 'high' }, false).input_fidelity,
		).toBe('high');
	});
});
