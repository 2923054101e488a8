// The MikroORM app of packages/mikro-orm/README.md. Every @mikro-orm/* package is pinned to one
// release, the newest that all of them share on the registry (the README names it too): the
// packages pin each other exactly and the CLI refuses mixed versions, while `latest` differs
// between them (core 7.2.5, cli and migrations 7.2.1).
import { expectOneCommittedInvoice, expectStoreTables } from '../checks.mjs';
export default {
  readme: 'packages/mikro-orm/README.md',
  pins: {
    '@mikro-orm/core': '7.2.1',
    '@mikro-orm/sql': '7.2.1',
    '@mikro-orm/postgresql': '7.2.1',
    '@mikro-orm/migrations': '7.2.1',
    '@mikro-orm/cli': '7.2.1',
    // The driver @mikro-orm/postgresql 7.2.1 depends on.
    pg: '8.23.0',
    zod: '4.6.7',
    typescript: '5.9.3',
    '@types/node': '22.20.5',
  },
  async verify({ query }) {
    await expectStoreTables(query);
    await expectOneCommittedInvoice(query);
  },
};
