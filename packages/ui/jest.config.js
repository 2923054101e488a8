import { preset } from '../../jest.preset.js';

// Request-level tests against real databases.
export default { ...preset, testTimeout: 120_000 };
