import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, defineEvent } from '@es/core';
import { testDatabases } from '@es/testing/targets';
import { defineEntity, type MikroORM, p } from '@mikro-orm/core';
import { z } from 'zod';
import { configureModels, createMikroOrmBackend, type MikroOrmHandle } from '../src/index.js';
import { recreateTables } from '../src/testing/index.js';

// The host application: its own entity, the store's entities added by configureModels.
const Account = defineEntity({
  name: 'Account',
  tableName: 'hj_accounts',
  properties: { id: p.string().length(64).primary(), owner: p.string().length(100) },
});
const AccountOpened = defineEvent('AccountOpened', z.object({ owner: z.string() }));
const tablePrefix = 'hj_';

const openers: Record<string, () => Promise<MikroORM>> = {
  async postgres() {
    const { MikroORM, defineConfig } = await import('@mikro-orm/postgresql');
    const config = defineConfig({ clientUrl: testDatabases.postgres('es_mikro_orm'), entities: [Account] });
    return MikroORM.init(configureModels(config, { tablePrefix }));
  },
  async mysql() {
    const { MikroORM, defineConfig } = await import('@mikro-orm/mariadb');
    const config = defineConfig({ clientUrl: testDatabases.mysql('es_mikro_orm'), entities: [Account] });
    return MikroORM.init(configureModels(config, { tablePrefix }));
  },
  async sqlite() {
    const { MikroORM, defineConfig } = await import('@mikro-orm/sqlite');
    const dbName = join(tmpdir(), 'es-mikro-orm-host-join.sqlite');
    rmSync(dbName, { force: true });
    const config = defineConfig({ dbName, entities: [Account], driverOptions: { timeout: 0 } });
    return MikroORM.init(configureModels(config, { tablePrefix }));
  },
};

describe.each(Object.keys(openers))('MikroORM on %s: the host unit of work', (dialect) => {
  let orm: MikroORM;
  let store: ReturnType<typeof openStore>;
  const openStore = (em: MikroOrmHandle) =>
    createEventStore({ backend: createMikroOrmBackend(em, { tablePrefix }), events: [AccountOpened] });
  const accounts = (id: string) => orm.em.fork().count(Account, { id });
  let counter = 0;
  const newId = () => `${dialect}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

  beforeAll(async () => {
    orm = await openers[dialect]!();
    await recreateTables(orm);
    store = openStore(orm.em as MikroOrmHandle);
  });
  afterAll(() => orm?.close());

  test('an entity and events written in one em.transactional: a throw leaves neither', async () => {
    const id = newId();
    await expect(
      orm.em.transactional(async (em) => {
        em.create(Account, { id, owner: 'ada' });
        await store
          .withTransaction(em as MikroOrmHandle)
          .append({ category: 'account', id }, AccountOpened.create({ owner: 'ada' }), {
            expectedVersion: 'no_stream',
          });
        throw new Error('the host gives up');
      }),
    ).rejects.toThrow('the host gives up');
    expect(await accounts(id)).toBe(0);
    expect(await store.streamVersion({ category: 'account', id })).toBe(0);
  });

  test('an entity and events written in one em.transactional: a commit keeps both', async () => {
    const id = newId();
    await orm.em.transactional(async (em) => {
      em.create(Account, { id, owner: 'grace' });
      await store
        .withTransaction(em as MikroOrmHandle)
        .append({ category: 'account', id }, AccountOpened.create({ owner: 'grace' }), {
          expectedVersion: 'no_stream',
        });
    });
    expect(await accounts(id)).toBe(1);
    expect((await store.readStream({ category: 'account', id })).map((event) => event.type)).toEqual(['AccountOpened']);
  });

  test('append neither flushes the unit of work nor adds entities to the identity map', async () => {
    const id = newId();
    await orm.em.transactional(async (em) => {
      em.create(Account, { id, owner: 'edsger' });
      await store
        .withTransaction(em as MikroOrmHandle)
        .append({ category: 'account', id }, AccountOpened.create({ owner: 'edsger' }), {
          expectedVersion: 'no_stream',
        });
      // The account is still only persisted (em.transactional flushes it after the callback),
      // and the identity map knows the account alone: the store's rows never become entities.
      expect(em.getUnitOfWork().getPersistStack().size).toBe(1);
      expect(
        em
          .getUnitOfWork()
          .getIdentityMap()
          .values()
          .map((entity) => entity.constructor.name),
      ).toEqual(['Account']);
      // Not written yet, seen from another connection (SQLite has only the one this transaction holds).
      if (dialect !== 'sqlite') expect(await orm.em.fork().count(Account, { id })).toBe(0);
    });
    expect(await accounts(id)).toBe(1);
  });

  if (dialect === 'sqlite') {
    test('on SQLite a store call inside em.transactional but not joined to it fails at once, not waiting forever', async () => {
      const id = newId();
      await expect(
        orm.em.transactional(async (em) => {
          em.create(Account, { id, owner: 'kurt' });
          await store.append({ category: 'account', id }, AccountOpened.create({ owner: 'kurt' }), {
            expectedVersion: 'no_stream',
          });
        }),
      ).rejects.toThrow(/not joined to it.*store\.withTransaction\(em\)/);
      expect(await accounts(id)).toBe(0);
      expect(await store.streamVersion({ category: 'account', id })).toBe(0);
    });

    test('on SQLite the backend refuses a busy timeout, which would block the event loop', async () => {
      const { MikroORM, defineConfig } = await import('@mikro-orm/sqlite');
      const blocking = new MikroORM(defineConfig({ dbName: ':memory:', entities: [Account] }));
      try {
        expect(() => createMikroOrmBackend(blocking.em as MikroOrmHandle)).toThrow(/driverOptions: \{ timeout: 0 \}/);
      } finally {
        await blocking.close();
      }
    });
  }

  test('the global em inside em.transactional resolves to the transaction, like any MikroORM call', async () => {
    const id = newId();
    await expect(
      orm.em.transactional(async () => {
        await store
          .withTransaction(orm.em as MikroOrmHandle)
          .append({ category: 'account', id }, AccountOpened.create({ owner: 'alan' }), {
            expectedVersion: 'no_stream',
          });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await store.streamVersion({ category: 'account', id })).toBe(0);
  });

  test('an em outside any transaction: the store commits its own and leaves that em untouched', async () => {
    const id = newId();
    const em = orm.em.fork();
    em.create(Account, { id, owner: 'barbara' });
    await store
      .withTransaction(em as MikroOrmHandle)
      .append({ category: 'account', id }, AccountOpened.create({ owner: 'barbara' }), {
        expectedVersion: 'no_stream',
      });
    expect(await store.streamVersion({ category: 'account', id })).toBe(1);
    expect(await accounts(id)).toBe(0); // still pending in `em`
    await em.flush();
    expect(await accounts(id)).toBe(1);
  });
});
