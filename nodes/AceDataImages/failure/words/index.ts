/**
 * Every sentence the node writes for a user about a failure (the node's error, an error item, a hint), and the
 * notices a run adds, in one place. Each entry takes plain values and returns the words; nothing here imports from
 * another folder, so any layer may use them and none of them decides anything.
 */
export * from './advice';
export * from './answers';
export * from './earlierTry';
export * from './models';
export * from './notices';
export * from './parameters';
export * from './spend';
export * from './transport';
export * from './waiting';
export * from './triggers';
