import type { IDataObject } from 'n8n-workflow';

import {
	DEFAULT_BINARY_PROPERTY,
	DEFAULT_MAX_DOWNLOAD_MB,
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	MAX_DOWNLOAD_MB,
	MIN_MAX_WAIT_SECONDS,
} from '../../models/defaults';
import type { OutputLayout, OutputOptions } from '../output';
import { oneOf, optionalBoolean, optionalNumber, optionalSeconds, optionalText } from './coerce';

/** The Options every operation shares: the output, the Timeout, and (image operations) the wait. */

/** How long to wait for asynchronous tasks. */
export interface WaitSettings {
	intervalSeconds: number;
	maxWaitSeconds: number;
}

export function readOutputOptions(options: IDataObject): OutputOptions {
	const maxDownloadMb =
		optionalNumber('maxDownloadMb', options.maxDownloadMb, {
			min: 1,
			max: MAX_DOWNLOAD_MB,
			what: 'megabytes',
		}) ?? DEFAULT_MAX_DOWNLOAD_MB;
	return {
		binaryPropertyName:
			optionalText('binaryPropertyName', options.binaryPropertyName) ?? DEFAULT_BINARY_PROPERTY,
		outputLayout: oneOf<OutputLayout>(
			'outputLayout',
			options.outputLayout,
			['itemPerImage', 'singleItem'],
			'itemPerImage',
		),
		downloadImages: optionalBoolean('downloadImages', options.downloadImages, true),
		fileName: optionalText('fileName', options.fileName),
		maxDownloadBytes: Math.round(maxDownloadMb * 1024 * 1024),
	};
}

export function readWaitSettings(options: IDataObject): WaitSettings {
	const intervalSeconds =
		optionalSeconds('pollInterval', options.pollInterval) ?? DEFAULT_POLL_INTERVAL_SECONDS;
	const maxWaitSeconds =
		optionalSeconds('maxWait', options.maxWait, MIN_MAX_WAIT_SECONDS) ?? DEFAULT_MAX_WAIT_SECONDS;
	return { intervalSeconds, maxWaitSeconds };
}

/** Timeout: seconds per request; undefined: the client's default. */
export function readTimeout(options: IDataObject): number | undefined {
	return optionalSeconds('timeout', options.timeout);
}
