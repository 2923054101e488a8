import { preset } from '../../jest.preset.js';

export default { ...preset, testTimeout: 60_000, globalSetup: '<rootDir>/scripts/jest-global-setup.mjs' };
