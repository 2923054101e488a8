// The MikroORM app of packages/mikro-orm/README.md. Every @mikro-orm/* package is pinned to one
// release, the newest that all of them share on the registry (the README names it too): the
// packages pin each other exactly and the CLI refuses mixed versions, while `latest` differs
// between them (core 7.2.5, cli and migrations 7.2.1).
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
    const invoices = await query('select id from invoices');
    const events = await query('select stream_id, type from es_events');
    const streams = await query('select stream_id, version from es_streams');
    // The committed transaction: one invoice row and its one event, on the invoice's stream.
    if (invoices.length !== 1) throw new Error(`expected 1 invoice row, found ${invoices.length}`);
    if (events.length !== 1) throw new Error(`expected 1 event, found ${events.length}`);
    const [{ id }] = invoices;
    const [event] = events;
    if (event.stream_id !== id || event.type !== 'InvoiceIssued') {
      throw new Error(`the event ${JSON.stringify(event)} is not the committed invoice ${id}'s`);
    }
    // The transaction that threw left neither its row nor its event nor its stream.
    if (streams.length !== 1 || streams[0].version !== 1) {
      throw new Error(`expected the one committed stream at version 1, found ${JSON.stringify(streams)}`);
    }
  },
};
