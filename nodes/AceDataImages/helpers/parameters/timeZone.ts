import * as words from '../../failure/words';
import { isUnset, refuse } from './coerce';

/** Dates and times as users give them, read in the workflow's time zone when they carry none. */

/** The offset of a time zone from UTC at an instant, in ms (what Intl says the wall clock there reads). */
function zoneOffset(ms: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(ms));
	const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);
	const wall = Date.UTC(
		part('year'),
		part('month') - 1,
		part('day'),
		part('hour'),
		part('minute'),
		part('second'),
	);
	return wall - Math.floor(ms / 1000) * 1000;
}

const ZONELESS =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** Whether Intl knows the time zone (an IANA name such as Europe/Berlin, or UTC). */
function isKnownZone(timeZone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone });
		return true;
	} catch {
		return false;
	}
}

/** A written date's parts, if it names a day and time that exist (not 2026-02-30, month 13, 24:00, minute 61). */
function existingParts(
	year: number,
	month: number,
	day: number,
	hour: number,
	minute: number,
	second: number,
): boolean {
	const date = new Date(Date.UTC(year, month - 1, day));
	return (
		month >= 1 &&
		month <= 12 &&
		date.getUTCMonth() === month - 1 &&
		date.getUTCDate() === day &&
		hour <= 23 &&
		minute <= 59 &&
		second <= 59
	);
}

/** The date and time written at the start of an ISO text (`2026-02-30T10:00:00Z`), if it exists; true when none is written. */
function writtenDateExists(text: string): boolean {
	const written = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
	if (!written) return true;
	const [year, month, day, hour, minute, second] = written
		.slice(1, 7)
		.map((part) => Number(part ?? 0));
	return existingParts(year, month, day, hour, minute, second);
}

/** A zoneless date and time (a match of ZONELESS) as the wall-clock time in `timeZone`, in ms since the epoch. */
function wallClockInZone(zoneless: RegExpExecArray, timeZone: string): number {
	const [year, month, day, hour, minute, second] = zoneless
		.slice(1, 7)
		.map((part) => Number(part ?? 0));
	const millisecond = zoneless[7] ? Number(zoneless[7].padEnd(3, '0')) : 0;
	const wall = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
	// The wall-clock time in the workflow's zone: corrected by the zone's offset at that moment.
	const first = wall - zoneOffset(wall, timeZone);
	return wall - zoneOffset(first, timeZone);
}

/**
 * A point in time from n8n's date picker (`2026-12-01T10:00:00`, read in the workflow's time zone), an ISO string
 * with a zone, a Date or Luxon DateTime from an expression (`{{ $now.minus({ hours: 1 }) }}`), or epoch seconds or
 * milliseconds; unset → undefined. Anything else is refused.
 */
export function optionalTime(
	parameter: string,
	value: unknown,
	timeZone: string,
): number | undefined {
	if (isUnset(value)) return undefined;
	let ms: number | undefined;
	if (typeof value === 'number' && Number.isFinite(value) && value > 0)
		ms = value < 1e11 ? value * 1000 : value;
	else if (value instanceof Date) ms = value.getTime();
	else if (
		value &&
		typeof value === 'object' &&
		typeof (value as { toMillis?: unknown }).toMillis === 'function'
	) {
		ms = Number((value as { toMillis: () => unknown }).toMillis());
	} else if (typeof value === 'string') {
		const text = value.trim();
		// JavaScript rolls a day that does not exist over into the next month: refused instead, naming what was typed.
		if (!writtenDateExists(text)) throw refuse(parameter, words.EXISTING_DATE, value);
		const zoneless = ZONELESS.exec(text);
		if (zoneless && !isKnownZone(timeZone)) {
			throw refuse(parameter, words.zonedDate(timeZone), value);
		}
		if (zoneless) ms = wallClockInZone(zoneless, timeZone);
		else if (/^\d+(\.\d+)?$/.test(text)) return optionalTime(parameter, Number(text), timeZone);
		else ms = Date.parse(text);
	}
	if (ms === undefined || !Number.isFinite(ms) || ms <= 0)
		throw refuse(parameter, words.DATE_AND_TIME, value);
	return ms;
}
