// Entry for the conformance kit's child processes (run by Node's own type stripping, so this file
// and what it imports are erasable TypeScript): the same target, tables already in place.
import { openChildProcessTarget } from '@es/testing/targets';
import { mikroOrmTarget } from './target.ts';

export const openTarget = () => openChildProcessTarget(mikroOrmTarget);
