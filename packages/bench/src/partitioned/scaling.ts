import type { ResultRow } from '../report.ts';

const INSTANCES = /^partitioned-catch-up-(\d+)$/;
const REFERENCE = 'catch-up-1ms-unpartitioned';

/**
 * The partitioned-catch-up rows as a scaling table: per system, the unpartitioned reference, then
 * each instance count's events/s and speed-up against one instance of the partitioned consumer,
 * beside the ideal (N×). Empty when the run measured none.
 */
export function scalingTable(results: readonly ResultRow[]): string {
  const lines: string[] = [];
  for (const system of new Set(results.map((row) => row.system))) {
    const rows = results.filter((row) => row.system === system);
    const one = rows.find((row) => row.workload === 'partitioned-catch-up-1');
    const reference = rows.find((row) => row.workload === REFERENCE);
    if (reference) lines.push(`| ${system} | unpartitioned, 1 | ${reference.eventsPerSec} | - | - | - |`);
    for (const row of rows) {
      const instances = Number(INSTANCES.exec(row.workload)?.[1]);
      if (!instances) continue;
      const speedUp = one ? row.eventsPerSec / one.eventsPerSec : Number.NaN;
      lines.push(
        `| ${system} | ${instances} | ${row.eventsPerSec} | ${speedUp.toFixed(2)}× | ${instances}× | ${Math.round((100 * speedUp) / instances)} % |`,
      );
    }
  }
  if (lines.length === 0) return '';
  return [
    '| system | instances | events/s | speed-up vs 1 instance | ideal | of ideal |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...lines,
  ].join('\n');
}
