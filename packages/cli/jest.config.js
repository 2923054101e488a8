import { preset } from '../../jest.preset.js';

// The tests run the built `es` against real databases, 100,000 events among them.
export default { ...preset, testTimeout: 300_000 };
