/**
 * `@es/core/backend`: the contract a storage backend implements. The event store (`store/eventStore.ts`) does all
 * validation, serialization and upcasting; a backend only stores and returns already-checked
 * rows, inside the transaction it is given. Two implementations exist: the in-memory backend
 * and the SQL backend (one implementation per dialect, run over an ORM's transaction handle).
 *
 * One module per capability, each with the records it exchanges: `streams` (append and read),
 * `log` (the global log), `snapshots`, `consumers` (checkpoints, leases, parked events), `outbox`;
 * `tags` (dynamic consistency boundaries); `keys` (data keys of personal data); `session` composes them into `BackendSession`, and `backend` is what opens sessions.
 */
export * from './backend.js';
export * from './consumers.js';
export * from './expectedVersion.js';
export * from './keys.js';
export * from './log.js';
export * from './outbox.js';
export * from './session.js';
export * from './snapshots.js';
export * from './streams.js';
export * from './tags.js';
