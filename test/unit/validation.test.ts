import {
	ImageRequestValidationError,
	sizeProblem,
	validateImageRequest,
	type ImageRequestInput,
} from '../../nodes/AceDataImages/models/validation';
import { getModelRule } from '../../nodes/AceDataImages/models/modelRules';

function input(model: string, extra: Partial<ImageRequestInput> = {}): ImageRequestInput {
	return {
		operation: 'generate',
		model,
		modelId: model,
		prompt: 'A cute baby sea otter',
		n: 1,
		...extra,
	};
}

function refusal(request: ImageRequestInput): ImageRequestValidationError {
	try {
		validateImageRequest(request);
	} catch (error) {
		return error as ImageRequestValidationError;
	}
	throw new Error(`accepted: ${JSON.stringify(request)}`);
}

describe('validation before any request', () => {
	it.each<[string, ImageRequestInput, string, string]>([
		[
			'dall-e-3 with n=2',
			input('dall-e-3', { n: 2 }),
			'n',
			'Parameter "Number of Images" must be 1 for dall-e-3',
		],
		['n=11', input('gpt-image-1', { n: 11 }), 'n', 'from 1 to 10'],
		['n=0', input('dall-e-2', { n: 0 }), 'n', 'from 1 to 10'],
		[
			'dall-e-2 prompt over 1000',
			input('dall-e-2', { prompt: 'x'.repeat(1001) }),
			'prompt',
			'at most 1000 characters',
		],
		[
			'dall-e-3 prompt over 4000',
			input('dall-e-3', { prompt: 'x'.repeat(4001) }),
			'prompt',
			'at most 4000 characters',
		],
		[
			'gpt-image prompt over 32000',
			input('gpt-image-1', { prompt: 'x'.repeat(32001) }),
			'prompt',
			'at most 32000',
		],
		[
			'an empty prompt',
			input('gpt-image-1', { prompt: '   ' }),
			'prompt',
			'Parameter "Prompt" is required',
		],
		[
			'dall-e-3 512x512',
			input('dall-e-3', { size: '512x512' }),
			'size',
			'allowed: 1024x1024, 1792x1024, 1024x1792',
		],
		[
			'dall-e-2 auto',
			input('dall-e-2', { size: 'auto' }),
			'size',
			'allowed: 256x256, 512x512, 1024x1024',
		],
		[
			'gpt-image-1 1792x1024',
			input('gpt-image-1', { size: '1792x1024' }),
			'size',
			'allowed: auto, 1024x1024',
		],
		[
			'gpt-image-2 1000x1000',
			input('gpt-image-2', { size: '1000x1000' }),
			'size',
			'multiples of 16',
		],
		[
			'gpt-image-2 4096x1024',
			input('gpt-image-2', { size: '4096x1024' }),
			'size',
			'long side must be at most 3840',
		],
		[
			'gpt-image-2 512x512',
			input('gpt-image-2', { size: '512x512' }),
			'size',
			'655,360 to 8,294,400 pixels',
		],
		[
			'gpt-image-2 3840x1200',
			input('gpt-image-2', { size: '3840x1184' }),
			'size',
			'aspect ratio must be at most 3:1',
		],
		['gpt-image-2 big', input('gpt-image-2', { size: 'big' }), 'size', 'WIDTHxHEIGHT'],
		[
			'hd on gpt-image-1',
			input('gpt-image-1', { quality: 'hd' }),
			'quality',
			'allowed: auto, high, medium, low',
		],
		[
			'high on dall-e-3',
			input('dall-e-3', { quality: 'high' }),
			'quality',
			'allowed: standard, hd',
		],
		[
			'style on gpt-image-1',
			input('gpt-image-1', { style: 'vivid' }),
			'style',
			'is not accepted by gpt-image-1',
		],
		[
			'background on dall-e-3',
			input('dall-e-3', { background: 'opaque' }),
			'background',
			'not accepted by dall-e-3',
		],
		[
			'moderation on dall-e-2',
			input('dall-e-2', { moderation: 'low' }),
			'moderation',
			'not accepted by dall-e-2',
		],
		[
			'output format on dall-e-3',
			input('dall-e-3', { outputFormat: 'webp' }),
			'outputFormat',
			'not accepted',
		],
		[
			'transparent JPEG',
			input('gpt-image-1', { background: 'transparent', outputFormat: 'jpeg' }),
			'background',
			'png or webp',
		],
		[
			'compression with PNG',
			input('gpt-image-1', { outputFormat: 'png', outputCompression: 50 }),
			'outputCompression',
			'jpeg or webp',
		],
		[
			'compression without format',
			input('gpt-image-1', { outputCompression: 50 }),
			'outputCompression',
			'jpeg or webp',
		],
		[
			'compression 101',
			input('gpt-image-1', { outputFormat: 'jpeg', outputCompression: 101 }),
			'outputCompression',
			'from 0 to 100',
		],
		[
			'compression on dall-e-3',
			input('dall-e-3', { outputCompression: 50 }),
			'outputCompression',
			'not accepted',
		],
		[
			'partial images 4',
			input('gpt-image-1', { partialImages: 4 }),
			'partialImages',
			'from 0 to 3',
		],
		[
			'partial images on dall-e-2',
			input('dall-e-2', { partialImages: 1 }),
			'partialImages',
			'not accepted',
		],
		[
			'base64 answers for 2 images on gpt-image-1',
			input('gpt-image-1', { responseFormat: 'b64_json', n: 2 }),
			'responseFormat',
			'one image only',
		],
		[
			'response format on nano-banana',
			input('nano-banana', { responseFormat: 'url' }),
			'responseFormat',
			'not accepted',
		],
		[
			'11 images on nano-banana (it makes 1 to 10)',
			input('nano-banana', { n: 11 }),
			'n',
			'from 1 to 10',
		],
		[
			'2 images on dall-e-3 (it makes one)',
			input('dall-e-3', { n: 2 }),
			'n',
			'must be 1 for dall-e-3',
		],
		[
			'a 16:10 size on nano-banana (it would silently be square)',
			input('nano-banana', { size: '1536x1024' }),
			'size',
			'allowed: 1024x1024, 1792x1024, 1024x1792, 512x512, 256x256',
		],
		[
			'a gpt-image-2.5-flare size off the grid',
			input('gpt-image-2.5-flare', { size: '1000x1000' }),
			'size',
			'multiples of 16',
		],
		[
			'quality on nano-banana',
			input('nano-banana', { quality: 'high' }),
			'quality',
			'not accepted by nano-banana',
		],
		[
			'an ftp callback',
			input('gpt-image-1', { callbackUrl: 'ftp://example.com/x' }),
			'callbackUrl',
			'http(s) URL',
		],
		[
			'a custom model without id',
			input('custom', { modelId: '' }),
			'customModel',
			'Parameter "Custom Model ID" is required',
		],
		[
			'a malformed custom size',
			input('custom', { modelId: 'gpt-image-2.5-pro', size: '10 by 10' }),
			'size',
			'WIDTHxHEIGHT',
		],
	])('refuses %s, naming the parameter', (_, request, parameter, message) => {
		const error = refusal(request);
		expect(error).toBeInstanceOf(ImageRequestValidationError);
		expect(error.parameter).toBe(parameter);
		expect(error.message).toContain(message);
	});

	it.each<[string, ImageRequestInput]>([
		[
			'dall-e-3 HD vivid landscape',
			input('dall-e-3', {
				quality: 'hd',
				style: 'vivid',
				size: '1792x1024',
				responseFormat: 'b64_json',
			}),
		],
		[
			'dall-e-2 ten small images',
			input('dall-e-2', { n: 10, size: '256x256', prompt: 'x'.repeat(1000) }),
		],
		[
			'gpt-image-1 transparent webp',
			input('gpt-image-1', {
				background: 'transparent',
				outputFormat: 'webp',
				outputCompression: 80,
			}),
		],
		[
			'gpt-image-1.5 jpeg',
			input('gpt-image-1.5', {
				outputFormat: 'jpeg',
				outputCompression: 0,
				moderation: 'low',
				size: '1536x1024',
			}),
		],
		['gpt-image-2 4K landscape', input('gpt-image-2', { size: '3840x2160', quality: 'high' })],
		['gpt-image-2 3:1', input('gpt-image-2', { size: '3072x1024' })],
		['gpt-image-2 auto', input('gpt-image-2', { size: 'auto', partialImages: 2 })],
		['nano-banana with a size it maps', input('nano-banana', { size: '1792x1024', n: 1 })],
		['nano-banana-pro with ten images', input('nano-banana-pro', { size: '1024x1792', n: 10 })],
		[
			'base64 answers for one image on gpt-image-2',
			input('gpt-image-2', { responseFormat: 'b64_json', n: 1 }),
		],
		[
			'a custom model with anything',
			input('custom', { modelId: 'gpt-image-2:official', size: '4096x4096', quality: 'hd' }),
		],
		[
			'an https callback',
			input('gpt-image-1', { callbackUrl: 'https://n8n.example.com/webhook/x' }),
		],
	])('accepts %s', (_, request) => {
		expect(() => validateImageRequest(request)).not.toThrow();
	});

	it('checks the gpt-image-2 pixel bounds at their edges', () => {
		const rule = getModelRule('gpt-image-2');
		expect(sizeProblem(rule, '1024x640')).toBeNull(); // 655,360 px exactly
		expect(sizeProblem(rule, '1024x624')).toContain('pixels');
		expect(sizeProblem(rule, '3840x2160')).toBeNull(); // 8,294,400 px exactly
		expect(sizeProblem(rule, '3840x2176')).toContain('pixels');
	});
});
