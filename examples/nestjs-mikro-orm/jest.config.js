import { preset } from '../../jest.preset.js';

// Nest's decorators are TypeScript's experimental ones, with the metadata Nest's injector reads.
const compiler = { isolatedModules: true, experimentalDecorators: true, emitDecoratorMetadata: true };

export default {
  ...preset,
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: compiler }] },
  testTimeout: 60_000,
};
