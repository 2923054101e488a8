import { preset } from '../../jest.preset.js';

// Longer than the Prisma CLI's own limit (CLI_TIMEOUT_MS in test/support/prismaCli.ts).
export default { ...preset, testTimeout: 180_000 };
