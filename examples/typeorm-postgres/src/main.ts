// `pnpm start`: opens two accounts, moves money between them, and shows that a transfer that
// fails halfway leaves neither the account rows nor the event streams touched.
import { randomUUID } from 'node:crypto';
import { BankError, createBank, money } from './bank.ts';
import { dataSource, tablePrefix } from './dataSource.ts';

await dataSource.initialize();
// The migrations `typeorm migration:generate` wrote (the store's tables and the accounts table).
await dataSource.runMigrations();
const bank = createBank(dataSource, tablePrefix);

const run = randomUUID().slice(0, 8);
const ada = `ada-${run}`;
const grace = `grace-${run}`;

await bank.open(ada, 'Ada');
await bank.open(grace, 'Grace');
await bank.deposit(ada, 100_00);
await bank.transfer(ada, grace, 30_00);
console.log(`transferred 30.00 from ${ada} to ${grace}`);

for (const [from, to, amount] of [
  [ada, `nobody-${run}`, 10_00],
  [ada, grace, 500_00],
] as const) {
  try {
    await bank.transfer(from, to, amount);
  } catch (error) {
    if (!(error instanceof BankError)) throw error;
    console.log(`refused ${money(amount)} from ${from} to ${to}: ${error.message}`);
  }
}

for (const id of [ada, grace]) {
  const account = await bank.account(id);
  const events = await bank.history(id);
  console.log(
    `${account?.owner}: ${money(account?.balance ?? 0)} at version ${account?.version}; events ${events.map((e) => `${e.version}:${e.type}`).join(', ')}`,
  );
}

await dataSource.destroy();
