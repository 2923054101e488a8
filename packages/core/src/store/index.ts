export * from './eventStore.js';
export * from './limits.js';
export * from './options.js';
export * from './recordedEvent.js';
