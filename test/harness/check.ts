/**
 * A cheap assertion for property loops of 10,000 runs, where jest's `expect` costs more than what it checks. On a
 * failure fast-check shrinks and reports the generated case with this message.
 */
export function check(condition: unknown, what: string): asserts condition {
	if (!condition) throw new Error(what);
}
