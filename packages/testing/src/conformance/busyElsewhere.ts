import { uniqueId } from './context.js';
import { testDatabases } from './sqlTarget.js';

/**
 * PostgreSQL: runs `work` while 8 clients commit to a table of their own in another database of
 * the server, one round trip per statement, as another application (or another package's tests)
 * would. The log's horizon leaves such transactions out only when pg_stat_activity places them,
 * and one that ends between a read's snapshot and that lookup holds the read back.
 */
export async function whileAnotherDatabaseCommits<T>(work: () => Promise<T>): Promise<T> {
  const { default: pg } = await import('pg');
  const connectionString = testDatabases.postgres('postgres');
  // A real table: committing only to a temporary one flushes no WAL, too short a window to matter.
  const table = `es_kit_busy_${uniqueId().replace(/\W/g, '_')}`;
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  await admin.query(`CREATE TABLE ${table} (n int)`);
  let busy = true;
  const clients = Array.from({ length: 8 }, async () => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      while (busy) {
        await client.query('BEGIN');
        await client.query(`INSERT INTO ${table} VALUES (1)`);
        // Open a little while, so some began before the reader's own commit and end as it reads.
        await client.query('SELECT pg_sleep(0.002)');
        await client.query('COMMIT');
      }
    } finally {
      await client.end();
    }
  });
  try {
    return await work();
  } finally {
    busy = false;
    await Promise.all(clients);
    await admin.query(`DROP TABLE ${table}`);
    await admin.end();
  }
}
