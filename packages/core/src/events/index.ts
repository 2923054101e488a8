export * from './defineEvent.js';
export * from './metadata.js';
export { EventRegistry } from './registry.js';
