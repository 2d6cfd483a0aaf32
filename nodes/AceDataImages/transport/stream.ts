import type { IExecuteFunctions } from 'n8n-workflow';

/** The readable stream type n8n's binary helpers accept, without importing Node's `stream` module. */
export type Readable = Exclude<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], Buffer>;
