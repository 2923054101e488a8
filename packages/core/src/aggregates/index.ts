export * from './aggregateRoot.js';
export * from './decider.js';
export type { SnapshotPolicy } from './snapshotPolicy.js';
