import { defineWorkload, timeAfterWarmUp, type Workload } from './workload.ts';

/**
 * Not one of the workloads: the price of the path every append and read takes before any
 * store SQL runs, so that the append ratios can be read against it. `SELECT 1` through the
 * system's own API (an @es backend: the ORM's raw-SQL path, exactly as the store calls it), alone
 * and inside a transaction opened and committed through that API. Counted as one "event" each.
 */
function roundTripWorkload(name: string, description: string, inTransaction: boolean): Workload {
  return defineWorkload({
    name,
    description,
    uses: (system) => system.roundTrip,
    async run(roundTrip, _system, sizes) {
      const once = async () => {
        await roundTrip(inTransaction);
        return 1;
      };
      return timeAfterWarmUp(sizes, sizes.appendSingle, 1, once);
    },
  });
}

export const statementRoundTrip = roundTripWorkload('statement', "`SELECT 1` through the system's raw-SQL path", false);
export const transactionRoundTrip = roundTripWorkload(
  'transaction',
  "BEGIN, `SELECT 1`, COMMIT through the system's transaction API",
  true,
);
