import { canonical } from './fingerprint';

/** What node-made trace IDs derive from: the node's journal lineage and the run (see `execution/journal.ts`). */
export interface TraceSeed {
	lineage: string;
	runIndex: number;
}

/** 53 bits of a text (cyrb53): a synchronous digest, enough to tell one item's requests apart within a lineage. */
function digest53(text: string, seed: number): number {
	let h1 = 0xdeadbeef ^ seed;
	let h2 = 0x41c6ce57 ^ seed;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		h1 = Math.imul(h1 ^ code, 2654435761);
		h2 = Math.imul(h2 ^ code, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const hex = (value: number, digits: number) =>
	(value % 16 ** digits).toString(16).padStart(digits, '0');

/**
 * A trace ID for a request the user gave none for, shaped as a UUID: the lineage (random per journal), the run, the
 * item and a digest of what it asks. The same request of the same item gets the same trace ID in every try of Retry
 * On Fail and in every retried execution of that run, so a retried execution can ask AceData whether a sibling retry
 * already paid for it; another request (an edited prompt) gets another.
 */
export function derivedTraceId(seed: TraceSeed, itemIndex: number, asked: unknown): string {
	const text = canonical(asked);
	const digits = `${seed.lineage.slice(0, 12).padEnd(12, '0')}${hex(seed.runIndex, 4)}${hex(itemIndex, 6)}${hex(digest53(text, 1), 10)}`;
	return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20, 32)}`;
}
