export * from './aggregates/index.js';
export * from './backend/index.js';
export * from './errors/index.js';
export * from './events/index.js';
export { isUuid, uuidv7 } from './ids/uuid.js';
export * from './memory/index.js';
export { deserialize, type JsonValue, serialize } from './serialization/index.js';
export * from './store/index.js';
export * from './streams/index.js';
