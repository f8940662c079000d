/** Pure build logic: source context, tags, labels, source key, Dockerfile reading, layer plans. */
export * from './dockerfile.ts';
export * from './dockerfile-words.ts';
export * from './key-values.ts';
export * from './labels.ts';
export * from './layer-plan.ts';
export * from './source-context.ts';
export * from './source-key.ts';
export * from './tags.ts';
