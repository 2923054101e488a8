export * from './encoding.js';
export * from './relay.js';
