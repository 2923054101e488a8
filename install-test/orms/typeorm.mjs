// @es/typeorm as a new user installs it: packages/typeorm/README.md run as written on TypeORM 1.x
// (what `pnpm add typeorm` gives today), and the same README on the newest 0.3.x, which the
// package's peer range still covers.
import { expectOneCommittedInvoice, expectStoreTables } from '../checks.mjs';
export default {
  readme: 'packages/typeorm/README.md',
  pins: {
    typeorm: '1.1.3',
    'typeorm-transactional': '0.5.0',
    pg: '8.23.1',
    zod: '4.6.7',
    typescript: '5.9.3',
    '@types/node': '22.20.5',
  },
  variants: [{ name: 'typeorm-0.3', pins: { typeorm: '0.3.31' } }],
  /**
   * After `node src/main.ts`: the committed transaction left one invoice and its one event; the
   * one that threw left neither. The tables came from the migration TypeORM generated and ran.
   */
  async verify({ query }) {
    const migrations = await query('select name from migrations');
    if (migrations.length !== 1 || !/^EventStore\d+$/.test(migrations[0].name))
      throw new Error(
        `expected the one generated migration EventStore<timestamp> to have run: ${JSON.stringify(migrations)}`,
      );
    await expectStoreTables(query);
    await expectOneCommittedInvoice(query);
  },
};
