export function closedPort(): Promise<number>;
