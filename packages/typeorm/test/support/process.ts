// Entry for the conformance kit's child processes: the same target, tables already in place.
import { openChildProcessTarget } from '@es/testing/targets';
import { typeormTarget } from './target.ts';

export const openTarget = () => openChildProcessTarget(typeormTarget);
