export * from './consumer.js';
