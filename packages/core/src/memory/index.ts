export { createMemoryBackend, type MemoryBackend, type MemoryBackendOptions } from './memoryBackend.js';
export { MemoryTransaction } from './state.js';
