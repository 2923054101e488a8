// The demo: bank accounts on an embedded SQLite file. Run it twice; the second run continues.
import { fileURLToPath } from 'node:url';
import { uuidv7 } from '@es/core';
import { consolePublisher, openBank, saveWithRetry, statementPrinter } from './bank.ts';
import { InsufficientFunds } from './domain.ts';
import { accountBalances, transfers } from './schema.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const file = process.env.DEMO_DB ?? here('../.data/bank.sqlite');
const say = (line: string) => console.log(line);

const bank = openBank(file, here('../drizzle'));
const ada = 'acc-ada';
const grace = 'acc-grace';
const run = (await bank.store.streamVersion({ category: 'account', id: ada })) === 0 ? 1 : 2;

say(`@es demo, run ${run === 1 ? '1: a new bank' : '2+: the bank remembers'} (${file})`);

if (run === 1) {
  say('\nAda and Grace open accounts');
  for (const [id, owner] of [
    [ada, 'Ada'],
    [grace, 'Grace'],
  ] as const) {
    const account = await bank.accounts.load(id);
    account.open(owner);
    account.deposit(100, 'opening deposit');
    await bank.accounts.save(account);
  }

  say('\nTwo tellers serve Ada at once: both load version 2, the second save conflicts');
  const tellerA = await bank.accounts.load(ada);
  const tellerB = await bank.accounts.load(ada);
  tellerA.deposit(50, 'salary');
  await bank.accounts.save(tellerA);
  say(`  teller A saved: Ada at version ${tellerA.version}`);
  await saveWithRetry(bank, tellerB, (account) => account.withdraw(20, 'groceries'), say);
} else {
  say('\nMonthly interest: 1% on every account');
  for (const id of [ada, grace]) {
    const loaded = await bank.accounts.load(id);
    const account = await saveWithRetry(bank, loaded, (a) => a.deposit(Math.round(a.balance) / 100, 'interest'), say);
    say(`  ${account.owner}: version ${account.version}, balance ${account.balance.toFixed(2)}`);
  }
}

// Ada pays while she can; once interest alone cannot keep her above 40, Grace pays her back, so
// the story goes on however many times the demo runs.
const names: Record<string, string> = { [ada]: 'Ada', [grace]: 'Grace' };
const [payer, payee] = (await bank.accounts.load(ada)).balance >= 40 ? [ada, grace] : [grace, ada];
say(`\nA transfer ${names[payer]} -> ${names[payee]}: both accounts and the transfers table in one transaction`);
await transfer(40, payer, payee);
say('A transfer larger than the balance: everything rolls back');
await transfer(1_000_000, ada, grace).catch((error: unknown) => {
  if (!(error instanceof InsufficientFunds)) throw error;
  say(`  refused: ${error.message}`);
});

say('\nThe statement printer catches up from its checkpoint');
await statementPrinter(bank, say).catchUp();
say('The outbox relay publishes what was appended');
await consolePublisher(bank, say).drain();

say('\nBalances (the inline projection, never out of step with the events)');
for (const row of bank.db.select().from(accountBalances).all()) {
  say(`  ${row.owner.padEnd(6)} ${row.balance.toFixed(2).padStart(9)}  (version ${row.version})`);
}
const count = bank.db.select().from(transfers).all().length;
say(`Transfers recorded: ${count}. Run again to continue the story.`);
bank.client.close();

async function transfer(amount: number, fromId: string, toId: string) {
  await bank.backend.runInTransaction(async (tx) => {
    const accounts = bank.accounts.withTransaction(tx);
    const from = await accounts.load(fromId);
    const to = await accounts.load(toId);
    from.withdraw(amount, `transfer to ${to.owner}`);
    to.deposit(amount, `transfer from ${from.owner}`);
    await accounts.save(from);
    await accounts.save(to);
    tx.insert(transfers)
      .values({ id: uuidv7(), fromAccount: fromId, toAccount: toId, amount, at: new Date().toISOString() })
      .run();
  });
  say(`  moved ${amount}`);
}
