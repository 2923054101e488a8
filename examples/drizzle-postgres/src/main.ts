import { fileURLToPath } from 'node:url';
import { uuidv7 } from '@es/core';
import { openShop, PaymentMismatch } from './shop.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/es_examples';
const shop = await openShop(url, fileURLToPath(new URL('../drizzle', import.meta.url)));
const id = `order-${uuidv7()}`;

await shop.placeOrder(id, 'ada', [
  { sku: 'book', cents: 2500 },
  { sku: 'pen', cents: 300 },
]);
console.log(`placed ${id}`);
await shop.payOrder(id, 100).catch((error: unknown) => {
  if (!(error instanceof PaymentMismatch)) throw error;
  console.log(`payment refused, nothing written: ${error.message}`);
});
await shop.payOrder(id, 2800);
const events = await shop.store.readStream({ category: 'order', id });
console.log(`paid; the order's stream: ${events.map((e) => `${e.type}@${e.version}`).join(', ')}`);
await shop.close();
