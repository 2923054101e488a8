// Entry for the conformance kit's child processes: the same target, tables already in place.
import { openChildProcessTarget } from '@es/testing/targets';
import { drizzleTarget } from './target.ts';

export const openTarget = () => openChildProcessTarget(drizzleTarget);
