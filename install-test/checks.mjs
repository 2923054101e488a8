// Checks every recipe makes after a README's app ran: its committed transaction left one invoice
// and the one event on that invoice's stream; the transaction that threw left neither.

/** `query(sql)` returns rows; throws when the database does not hold exactly that. */
export async function expectOneCommittedInvoice(query) {
  const invoices = await query('select id::text as id, customer from invoices');
  if (invoices.length !== 1 || invoices[0].customer !== 'Ada')
    throw new Error(`expected Ada's invoice alone (the rolled-back one gone): ${JSON.stringify(invoices)}`);
  const [{ id }] = invoices;
  const events = await query('select category, stream_id, stream_version, type from es_events');
  const [event] = events;
  if (
    events.length !== 1 ||
    event.category !== 'invoice' ||
    event.stream_id !== id ||
    event.stream_version !== 1 ||
    event.type !== 'InvoiceIssued'
  )
    throw new Error(`expected one InvoiceIssued event on the committed invoice's stream: ${JSON.stringify(events)}`);
  const streams = await query('select stream_id, version from es_streams');
  if (streams.length !== 1 || streams[0].stream_id !== id || streams[0].version !== 1)
    throw new Error(`expected the committed invoice's stream alone, at version 1: ${JSON.stringify(streams)}`);
}

/** Every table of the store's models, created by the ORM's own migration tool from the shipped models. */
export async function expectStoreTables(query) {
  const rows = await query(
    'select table_name as name from information_schema.tables where table_schema = current_schema()',
  );
  const names = new Set(rows.map((row) => row.name));
  const missing = ['es_streams', 'es_events', 'es_snapshots', 'es_outbox', 'es_checkpoints', 'es_parked'].filter(
    (table) => !names.has(table),
  );
  if (missing.length > 0) throw new Error(`the migration did not create ${missing.join(', ')}`);
}
