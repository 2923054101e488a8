import { fileURLToPath } from 'node:url';
import { uuidv7 } from '@es/core';
import { eq } from 'drizzle-orm';
import { orders } from '../src/schema.ts';
import { openShop, PaymentMismatch } from '../src/shop.ts';

const url = `${process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432'}/es_examples`;
let shop: Awaited<ReturnType<typeof openShop>>;

beforeAll(async () => {
  shop = await openShop(url, fileURLToPath(new URL('../drizzle', import.meta.url)));
});
afterAll(() => shop.close());

test('an order row and its OrderPlaced event commit together', async () => {
  const id = `order-${uuidv7()}`;
  await shop.placeOrder(id, 'ada', [{ sku: 'book', cents: 2500 }]);
  const [row] = await shop.db.select().from(orders).where(eq(orders.id, id));
  expect(row?.status).toBe('placed');
  const events = await shop.store.readStream({ category: 'order', id });
  expect(events.map((e) => e.type)).toEqual(['OrderPlaced']);
});

test('a failed payment rolls back the app write and the event', async () => {
  const id = `order-${uuidv7()}`;
  await shop.placeOrder(id, 'grace', [{ sku: 'lamp', cents: 4000 }]);
  await expect(shop.payOrder(id, 1)).rejects.toBeInstanceOf(PaymentMismatch);
  const [row] = await shop.db.select().from(orders).where(eq(orders.id, id));
  expect(row?.status).toBe('placed');
  expect(await shop.store.streamVersion({ category: 'order', id })).toBe(1);
  await shop.payOrder(id, 4000);
  const events = await shop.store.readStream({ category: 'order', id });
  expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderPaid']);
  expect(events[1]?.data).toMatchObject({ cents: 4000 });
  expect((events[1]?.data as { paidAt: unknown }).paidAt).toBeInstanceOf(Date);
});

test('placing the same order twice is refused and leaves one row', async () => {
  const id = `order-${uuidv7()}`;
  await shop.placeOrder(id, 'ada', [{ sku: 'book', cents: 2500 }]);
  await expect(shop.placeOrder(id, 'ada', [{ sku: 'book', cents: 2500 }])).rejects.toThrow();
  expect(await shop.db.select().from(orders).where(eq(orders.id, id))).toHaveLength(1);
  expect(await shop.store.streamVersion({ category: 'order', id })).toBe(1);
});
