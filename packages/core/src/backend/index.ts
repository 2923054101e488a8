export * from './contract.js';
export * from './expectedVersion.js';
