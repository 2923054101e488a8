// Checks the recipes make after a README's app ran: its committed transaction left one host row
// and the one event on that row's stream; the transaction that threw left neither.

/** `query(sql)` returns rows; throws when the database does not hold exactly that. */
export async function expectOneCommittedInvoice(query) {
  const invoices = await query('select id::text as id, customer from invoices');
  if (invoices.length !== 1 || invoices[0].customer !== 'Ada')
    throw new Error(`expected Ada's invoice alone (the rolled-back one gone): ${JSON.stringify(invoices)}`);
  await expectOneEventOnItsStream(query, { category: 'invoice', streamId: invoices[0].id, type: 'InvoiceIssued' });
}

/** The @es/nestjs quick start: deposit dep-1 of 100 into acc-1 committed; dep-1 again (50) rolled back. */
export async function expectOneCommittedDeposit(query) {
  const deposits = await query('select id, account_id, amount from deposits');
  const [deposit] = deposits;
  if (deposits.length !== 1 || deposit.id !== 'dep-1' || deposit.account_id !== 'acc-1' || deposit.amount !== 100)
    throw new Error(`expected deposit dep-1 of 100 alone (the rolled-back one gone): ${JSON.stringify(deposits)}`);
  const event = await expectOneEventOnItsStream(query, {
    category: 'account',
    streamId: 'acc-1',
    type: 'MoneyDeposited',
  });
  if (event.data.depositId !== 'dep-1' || event.data.amount !== 100)
    throw new Error(`expected the committed deposit's event, not the rolled-back one's: ${JSON.stringify(event)}`);
}

/** The one event of the database, the first of the one stream, which is at version 1; returns it. */
async function expectOneEventOnItsStream(query, { category, streamId, type }) {
  const events = await query('select category, stream_id, stream_version, type, data from es_events');
  const [event] = events;
  if (
    events.length !== 1 ||
    event.category !== category ||
    event.stream_id !== streamId ||
    event.stream_version !== 1 ||
    event.type !== type
  )
    throw new Error(`expected one ${type} event on the committed ${category}'s stream: ${JSON.stringify(events)}`);
  const streams = await query('select stream_id, version from es_streams');
  if (streams.length !== 1 || streams[0].stream_id !== streamId || streams[0].version !== 1)
    throw new Error(`expected the committed ${category}'s stream alone, at version 1: ${JSON.stringify(streams)}`);
  return event;
}

/** The store's tables (prefix `es_`) on PostgreSQL. */
export const storeTables = [
  'es_streams',
  'es_events',
  'es_snapshots',
  'es_outbox',
  'es_checkpoints',
  'es_parked',
  'es_event_tags',
  'es_data_keys',
];

/** Every table of the store's models, created by the ORM's own migration tool from the shipped models. */
export async function expectStoreTables(query) {
  const rows = await query(
    'select table_name as name from information_schema.tables where table_schema = current_schema()',
  );
  const names = new Set(rows.map((row) => row.name));
  const missing = storeTables.filter((table) => !names.has(table));
  if (missing.length > 0) throw new Error(`the migration did not create ${missing.join(', ')}`);
}
