export * from './memoryBackend.js';
