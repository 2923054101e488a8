import pg from 'pg';

/**
 * The two kinds of node-postgres connection the backend runs on differently, as `test.each` rows
 * (a name and an opener): a Pool, on whose clients the store opens its own transactions, and a
 * single Client, on which it uses db.transaction.
 */
export function postgresConnections(url: string): [string, () => Promise<pg.Pool | pg.Client>][] {
  return [
    ['a node-postgres Pool', async () => new pg.Pool({ connectionString: url, max: 2 })],
    [
      'a single node-postgres Client',
      async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        return client;
      },
    ],
  ];
}
