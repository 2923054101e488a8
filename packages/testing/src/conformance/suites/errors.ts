import { describe, expect, it } from '@jest/globals';
import { type SuiteContext, strayErrors } from '../context.js';

/** Runs last: what every other suite's stores threw, checked against the promise that each error
 * the store raises is an `EsError`. */
export function errorsSuite<H>(_ctx: SuiteContext<H>): void {
  describe('errors', () => {
    it('every error the stores threw while the kit ran is an EsError (or the kit’s own, handed back)', () => {
      const described = strayErrors.map((error) =>
        error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error),
      );
      expect(described).toEqual([]);
    });
  });
}
