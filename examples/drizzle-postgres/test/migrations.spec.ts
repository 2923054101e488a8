import { readFileSync } from 'node:fs';
import * as schema from '../src/schema.ts';

const read = (path: string) => JSON.parse(readFileSync(new URL(`../drizzle/${path}`, import.meta.url), 'utf8'));

// The committed migrations must create what the schema (the store's models included) defines: a
// model change without its migration (or a hand edit that drifted) shows up here, not in production.
test("the migrations are up to date with the schema: drizzle-kit's generator finds nothing to add", async () => {
  const kit = await import('drizzle-kit/api');
  const { entries } = read('meta/_journal.json') as { entries: { idx: number }[] };
  const last = read(`meta/${String(entries.at(-1)?.idx).padStart(4, '0')}_snapshot.json`);
  expect(await kit.generateMigration(last, kit.generateDrizzleJson(schema))).toEqual([]);
});
