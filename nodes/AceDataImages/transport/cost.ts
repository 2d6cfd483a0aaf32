import { z } from 'zod/v3';

import type { Cost } from './types';

/**
 * What AceData says a job cost, read where it enters (answers and task records): `{ amount, currency }` with an amount
 * the node can trust, or what was sent instead, as short text for a notice.
 */

/** Metadata text: a string, or a number as its text. */
function asText(value: unknown): string | undefined {
	if (typeof value === 'string') return value === '' ? undefined : value;
	return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

/** The most a job can cost, in AceData's credits: an amount beyond it is no amount (a proxy's junk, `1e303`). */
const MAX_AMOUNT = 1e9;
/** A decimal amount as text (`0.35`, `12`): not `0x10`, `1e3` or `Infinity`, which `Number()` would also read. */
const DECIMAL = /^\d+(\.\d+)?$/;

/** What a cost field holds: a cost, one the node cannot read (as text, to say so), or nothing. */
type CostField = { cost?: Cost; costUnreadable?: string };

/** What AceData sent, as short text for a notice (scrubbed later with the rest of the answer's strings). */
function quoteCost(value: unknown): string {
	let text: string;
	try {
		text = JSON.stringify(value) ?? String(value);
	} catch {
		text = String(value);
	}
	return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * `{ amount, currency }`: a number, or decimal text, from 0 to MAX_AMOUNT. Anything else present is no cost, and is
 * kept as text so that the items say a cost was left out (rather than a spend that silently does not add up).
 */
export const costField = z.unknown().transform((value): CostField => {
	if (value === undefined || value === null) return {};
	const read = readCost(value);
	return read ? { cost: read } : { costUnreadable: quoteCost(value) };
});

function readCost(value: unknown): Cost | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const record = value as Record<string, unknown>;
	const raw = record.amount;
	const amount =
		typeof raw === 'number'
			? raw
			: typeof raw === 'string' && DECIMAL.test(raw.trim())
				? Number(raw.trim())
				: Number.NaN;
	if (!Number.isFinite(amount) || amount < 0 || amount > MAX_AMOUNT) return undefined;
	const currency = asText(record.currency);
	return { amount, currency: currency && currency.length <= 20 ? currency : 'credit' };
}
