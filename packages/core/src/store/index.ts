export * from './eventStore.js';
export * from './limits.js';
export * from './recordedEvent.js';
