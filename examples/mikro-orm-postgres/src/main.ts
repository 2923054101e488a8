// `pnpm start`: places and pays an order, then shows that an operation failing halfway, on either
// side (the shop's row or the event), leaves neither the order rows nor the event streams touched.
import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '@es/core';
import { MikroORM, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import config, { tablePrefix } from './mikro-orm.config.ts';
import { createShop, money } from './shop.ts';

const orm = await MikroORM.init(config);
// The migrations `mikro-orm migration:create` wrote (the store's tables and the orders table).
await orm.migrator.up();
const shop = createShop(orm, tablePrefix);

const run = randomUUID().slice(0, 8);
const [first, second, third] = ['a', 'b', 'c'].map((suffix) => `order-${run}-${suffix}`) as [string, string, string];
const reference = `PO-${run}-1`;
const lines = [
  { sku: 'book', cents: 25_00 },
  { sku: 'pen', cents: 3_00 },
];

await shop.placeOrder({ id: first, reference, customer: 'Ada', lines });
console.log(`placed ${first} (${reference}) for 28.00`);
await shop.payOrder(first, 28_00);
console.log(`paid ${first}`);

// The OrderPlaced event is appended, then the row's INSERT fails at the flush that ends the
// transaction (the reference is taken): the event is rolled back with it.
try {
  await shop.placeOrder({ id: third, reference, customer: 'Grace', lines });
} catch (error) {
  if (!(error instanceof UniqueConstraintViolationException)) throw error;
  console.log(`refused ${third}: reference ${reference} is taken`);
}

// The second order's row is persisted and its event appended, then the first order's append fails
// (its stream exists): the second order is rolled back with it.
try {
  await shop.placeOrders([
    { id: second, reference: `PO-${run}-2`, customer: 'Barbara', lines },
    { id: first, reference: `PO-${run}-3`, customer: 'Ada', lines },
  ]);
} catch (error) {
  if (!(error instanceof ConcurrencyError)) throw error;
  console.log(`refused the batch ${second}, ${first}: ${first} exists at version ${error.actual}`);
}

for (const id of [first, second, third]) {
  const order = await shop.order(id);
  const events = await shop.history(id);
  const row = order ? `${order.status}, ${money(order.totalCents)} at version ${order.version}` : 'no row';
  console.log(`${id}: ${row}; events ${events.map((e) => `${e.version}:${e.type}`).join(', ') || 'none'}`);
}

await orm.close();
