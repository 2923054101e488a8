import { describeConformance } from '@es/testing/conformance';
import { mikroOrmTarget } from './support/index.ts';

// SQLite through Node's built-in node:sqlite (no native build): MikroORM's generic SqliteDriver
// with its NodeSqliteDialect. MikroORM does not expose that database, so the store's statements
// take Kysely's path there.
describeConformance(mikroOrmTarget('sqlite', { nodeSqlite: true }));
