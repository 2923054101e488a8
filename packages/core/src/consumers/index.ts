export * from './consumer.js';
export * from './errors.js';
export type { ConsumerFailurePolicy } from './failures.js';
export * from './options.js';
