import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { createRepository } from '../aggregates/index.js';
import type { StoredEvent } from '../backend/index.js';
import { createConsumer } from '../consumers/consumer.js';
import {
  EventValidationError,
  InvalidArgumentError,
  InvalidSubjectError,
  MasterKeyError,
  PayloadTooLargeError,
  PersonalDataTamperedError,
} from '../errors/index.js';
import { defineEvent } from '../events/index.js';
import { createMemoryBackend, type MemoryBackend } from '../memory/index.js';
import { createOutboxRelay } from '../outbox/index.js';
import { createEventStore, type EventStore } from '../store/index.js';
import type { RecordedEvent } from '../store/recordedEvent.js';
import { ENVELOPE_MARK, type MasterKey } from './cipher.js';
import { personal } from './personal.js';

const CustomerRegistered = defineEvent(
  'CustomerRegistered',
  z.object({
    customerId: z.string(),
    // The erased value must pass the field's schema: readers validate the masked data.
    email: personal(z.email().or(z.literal('[erased]')), { subject: 'customerId', erased: '[erased]' }),
    name: personal(z.string().nullable(), { subject: 'customerId', erased: null }),
    plan: z.enum(['free', 'pro']),
  }),
);

const Referred = defineEvent(
  'Referred',
  z.object({
    referrerId: z.string(),
    referrerEmail: personal(z.string(), { subject: 'referrerId', erased: '[erased]' }),
    refereeId: z.string(),
    refereeEmail: personal(z.string(), { subject: 'refereeId', erased: '[erased]' }),
    joinedAt: personal(z.date(), { subject: 'refereeId', erased: new Date(0) }),
  }),
);

const Pinged = defineEvent('Pinged', z.object({ n: z.number() }));

const masterKey = (id: string): MasterKey => ({ id, key: new Uint8Array(randomBytes(32)) });
const events = [CustomerRegistered, Referred, Pinged];

function storeOn(backend: MemoryBackend, masterKeys: readonly MasterKey[] = [masterKey('m1')], cacheTtlMs?: number) {
  return createEventStore({
    backend,
    events,
    outbox: true,
    personalData: { masterKeys, ...(cacheTtlMs !== undefined && { cacheTtlMs }) },
  });
}

type Customer = z.infer<typeof CustomerRegistered.schema>;
const ada: Customer = { customerId: 'c-1', email: 'ada@example.com', name: 'Ada', plan: 'pro' };
const grace: Customer = { customerId: 'c-2', email: 'grace@example.com', name: 'Grace', plan: 'free' };

async function register(store: EventStore<(typeof events)[number], unknown>, data: Customer) {
  return store.append({ category: 'customer', id: data.customerId }, CustomerRegistered.create(data), {
    expectedVersion: 'no_stream',
  });
}

/** How many data keys the backend holds (committed). */
async function dataKeys(backend: MemoryBackend): Promise<number> {
  const transaction = await backend.begin();
  const count = transaction.staged.dataKeys.length;
  await transaction.rollback();
  return count;
}

/** The events as the backend holds them. */
async function storedEvents(backend: MemoryBackend): Promise<readonly StoredEvent[]> {
  return backend.read(
    async (session) =>
      (await session.readLog({ after: { position: 0n, transactionId: 0n }, limit: 1000, filter: {} })).events,
  );
}

describe('personal data', () => {
  it('stores personal values encrypted and reads them back on every path', async () => {
    const backend = createMemoryBackend();
    const store = storeOn(backend);
    const appended = await register(store, ada);
    expect(appended.events[0]?.data).toEqual(ada);

    const [stored] = await storedEvents(backend);
    expect(stored?.data).not.toContain('ada@example.com');
    expect(stored?.data).not.toContain('Ada');
    const data = JSON.parse(stored?.data ?? '{}');
    expect(data.email).toMatchObject({ [ENVELOPE_MARK]: 1, alg: 'A256GCM' });
    expect(data.plan).toBe('pro');

    const [read] = await store.readStream({ category: 'customer', id: 'c-1' });
    expect(read?.data).toEqual(ada);
    expect(read?.erased).toBeUndefined();
    expect((await store.readAll()).events[0]?.data).toEqual(ada);
    expect((await store.read([{ types: ['CustomerRegistered'] }])).events[0]?.data).toEqual(ada);
    expect((await store.readEvent(appended.events[0]?.id as string))?.data).toEqual(ada);
  });

  it('leaves null and undefined values as they are', async () => {
    const backend = createMemoryBackend();
    const store = storeOn(backend);
    await register(store, { ...ada, name: null } as unknown as Customer);
    const data = JSON.parse((await storedEvents(backend))[0]?.data ?? '{}');
    expect(data.name).toBeNull();
    expect(data.email[ENVELOPE_MARK]).toBe(1);
  });

  it('masks a forgotten subject on every read path, never throwing', async () => {
    const backend = createMemoryBackend();
    const store = storeOn(backend);
    const appended = await register(store, ada);
    await register(store, grace);
    expect(await store.forget('c-1')).toEqual({ keysDeleted: 1 });

    const erasedAda = { ...ada, email: '[erased]', name: null };
    const [read] = await store.readStream({ category: 'customer', id: 'c-1' });
    expect(read?.data).toEqual(erasedAda);
    expect(read?.erased).toEqual(['email', 'name']);
    const all = await store.readAll();
    expect(all.events.map((event) => event.data)).toEqual([erasedAda, grace]);
    expect(all.events[1]?.erased).toBeUndefined();
    expect((await store.readEvent(appended.events[0]?.id as string))?.erased).toEqual(['email', 'name']);

    const seen: RecordedEvent[] = [];
    const consumer = createConsumer(store, { name: 'c', handle: async (batch) => void seen.push(...batch) });
    await consumer.processBatch();
    expect(seen.map((event) => event.data)).toEqual([erasedAda, grace]);
    expect(seen[0]?.erased).toEqual(['email', 'name']);
  });

  it('keeps the key when the forget rolls back', async () => {
    const backend = createMemoryBackend();
    const store = storeOn(backend);
    await register(store, ada);
    await expect(
      backend.runInTransaction(async (transaction) => {
        expect(await store.withTransaction(transaction).forget('c-1')).toEqual({ keysDeleted: 1 });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await store.readStream({ category: 'customer', id: 'c-1' }))[0]?.data).toEqual(ada);
  });

  it('forgets one of two subjects of an event', async () => {
    const backend = createMemoryBackend();
    const store = storeOn(backend);
    const joinedAt = new Date('2024-05-01T10:00:00Z');
    const referral = { referrerId: 'r-1', referrerEmail: 'a@x.io', refereeId: 'r-2', refereeEmail: 'b@x.io', joinedAt };
    await store.append({ category: 'referral', id: '1' }, Referred.create(referral), { expectedVersion: 'no_stream' });
    expect((await store.readAll()).events[0]?.data).toEqual(referral);
    await store.forget('r-2');
    const [read] = (await store.readAll()).events;
    expect(read?.data).toEqual({ ...referral, refereeEmail: '[erased]', joinedAt: new Date(0) });
    expect(read?.erased).toEqual(['joinedAt', 'refereeEmail']);
  });

  it('keeps tenants apart: same subject id, own keys, no value moves between them', async () => {
    const backend = createMemoryBackend();
    const root = storeOn(backend);
    const a = root.forTenant('a');
    const b = root.forTenant('b');
    await register(a, ada);
    await register(b, { ...ada, email: 'other@example.com' });
    await a.forget('c-1');
    expect((await a.readAll()).events[0]?.erased).toEqual(['email', 'name']);
    expect((await b.readAll()).events[0]?.data).toEqual({ ...ada, email: 'other@example.com' });
    expect(await dataKeys(backend)).toBe(1);

    // A value moved into another tenant's event: that tenant finds no such key, so it reads as erased.
    const [fromB] = await storedEvents(backend).then((stored) => stored.filter((event) => event.stream.tenant === 'b'));
    const moved = { ...(fromB as StoredEvent), stream: { ...(fromB as StoredEvent).stream, tenant: 'c' } };
    await b.forTenant('c').rotateKey('c-1');
    const [opened] = await b.forTenant('c').openStored([moved]);
    expect(opened?.opened?.erased).toEqual(['email', 'name']);
  });

  it('refuses a stored value that was altered or moved to another field', async () => {
    const backend = createMemoryBackend();
    const store = storeOn(backend);
    await register(store, ada);
    const [stored] = await storedEvents(backend);
    const data = JSON.parse(stored?.data as string);
    const tampered = (changed: object) => ({
      ...(stored as StoredEvent),
      data: JSON.stringify({ ...data, ...changed }),
    });
    const flipped = { ...data.email, ct: `${data.email.ct.slice(0, -2)}${data.email.ct.endsWith('AA') ? 'AB' : 'AA'}` };
    const forged = { ...data.email, kid: 'not-a-key' };
    for (const event of [tampered({ email: flipped }), tampered({ name: data.email }), tampered({ email: forged })]) {
      await expect(store.openStored([event])).rejects.toBeInstanceOf(PersonalDataTamperedError);
    }
    await expect(store.openStored([tampered({})])).resolves.toHaveLength(1);
  });

  it('refuses a wrong master key and one whose id is not configured', async () => {
    const backend = createMemoryBackend();
    await register(storeOn(backend, [masterKey('m1')]), ada);
    const wrong = storeOn(backend, [masterKey('m1')]);
    await expect(wrong.readAll()).rejects.toMatchObject({ code: 'MASTER_KEY_MISMATCH' });
    await expect(storeOn(backend, [masterKey('m2')]).readAll()).rejects.toBeInstanceOf(MasterKeyError);
  });

  it('rotates master keys: the first wraps new keys, older ones still unwrap theirs', async () => {
    const backend = createMemoryBackend();
    const m1 = masterKey('m1');
    await register(storeOn(backend, [m1]), ada);
    const rotated = storeOn(backend, [masterKey('m2'), m1]);
    await register(rotated, grace);
    expect((await rotated.readAll()).events.map((event) => event.data)).toEqual([ada, grace]);
    await expect(storeOn(backend, [m1]).readAll()).rejects.toBeInstanceOf(MasterKeyError);
  });

  it('rotates data keys: new writes use the new version, old data stays readable', async () => {
    const backend = createMemoryBackend();
    const store = storeOn(backend);
    await register(store, ada);
    const rotated = await store.rotateKey('c-1');
    expect(rotated.version).toBe(2);
    await store.append(
      { category: 'customer', id: 'c-1' },
      CustomerRegistered.create({ ...ada, email: 'new@example.com' }),
      { expectedVersion: 1 },
    );
    const kids = (await storedEvents(backend)).map((event) => JSON.parse(event.data).email.kid);
    expect(kids[1]).toBe(rotated.keyId);
    expect(kids[0]).not.toBe(rotated.keyId);
    expect((await store.readAll()).events.map((event) => (event.data as Customer).email)).toEqual([
      'ada@example.com',
      'new@example.com',
    ]);
    expect(await store.forget('c-1')).toEqual({ keysDeleted: 2 });
  });

  it('never seals with a key whose transaction rolled back, even from the cache', async () => {
    const backend = createMemoryBackend();
    const store = storeOn(backend);
    await expect(
      backend.runInTransaction(async (transaction) => {
        await register(store.withTransaction(transaction), ada);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await expect(
      store.atomic(async () => {
        await register(store, ada);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await dataKeys(backend)).toBe(0);
    await register(store, ada);
    expect((await store.readAll()).events[0]?.data).toEqual(ada);
    expect(await dataKeys(backend)).toBe(1);
  });

  it('reuses a committed key from the cache, and drops it on forget', async () => {
    const backend = createMemoryBackend();
    const store = storeOn(backend);
    await register(store, ada);
    await store.append({ category: 'customer', id: 'c-1' }, CustomerRegistered.create(ada), { expectedVersion: 1 });
    expect(await dataKeys(backend)).toBe(1);
    await store.forget('c-1');
    await store.append({ category: 'customer', id: 'c-1' }, CustomerRegistered.create(ada), { expectedVersion: 2 });
    const read = await store.readStream({ category: 'customer', id: 'c-1' });
    expect(read.map((event) => event.erased)).toEqual([['email', 'name'], ['email', 'name'], undefined]);
  });

  it('checks subjects and sizes on the stored form before writing', async () => {
    const backend = createMemoryBackend();
    const store = storeOn(backend);
    for (const customerId of ['', 'x'.repeat(201)]) {
      await expect(
        store.append({ category: 'customer', id: 'c-1' }, CustomerRegistered.create({ ...ada, customerId }), {
          expectedVersion: 'any',
        }),
      ).rejects.toBeInstanceOf(EventValidationError);
    }
    const Noted = defineEvent('Noted', z.object({ note: z.unknown() }));
    const noting = createEventStore({ backend, events: [Noted], personalData: { masterKeys: [masterKey('m1')] } });
    await expect(
      noting.append(
        { category: 'n', id: '1' },
        Noted.create({ note: { [ENVELOPE_MARK]: 1, kid: 'k', iv: 'i', ct: 'c' } }),
        {
          expectedVersion: 'any',
        },
      ),
    ).rejects.toBeInstanceOf(EventValidationError);
    await expect(store.forget('')).rejects.toBeInstanceOf(InvalidSubjectError);
    await expect(store.rotateKey('x'.repeat(201))).rejects.toBeInstanceOf(InvalidSubjectError);
    const plainBytes = Buffer.byteLength(JSON.stringify(ada));
    const small = createEventStore({
      backend,
      events,
      personalData: { masterKeys: [masterKey('m1')] },
      limits: { maxEventBytes: plainBytes + 10 },
    });
    await expect(register(small, ada)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(backend.counts().events).toBe(0);
    expect(await dataKeys(backend)).toBe(0);
  });

  it('refuses a store of personal events without personalData, and bad options', () => {
    const backend = createMemoryBackend();
    expect(() => createEventStore({ backend, events })).toThrow(InvalidArgumentError);
    expect(() => createEventStore({ backend, events: [Pinged] })).not.toThrow();
    expect(() => createEventStore({ backend, events, personalData: { masterKeys: [] } })).toThrow(InvalidArgumentError);
    expect(() =>
      createEventStore({ backend, events, personalData: { masterKeys: [{ id: 'm', key: new Uint8Array(16) }] } }),
    ).toThrow(InvalidArgumentError);
  });

  it('checks erased values and subject fields when the event is defined', () => {
    expect(() =>
      defineEvent(
        'Bad',
        z.object({ id: z.string(), email: personal(z.string().email(), { subject: 'id', erased: 'x' }) }),
      ),
    ).toThrow(InvalidArgumentError);
    expect(() => defineEvent('Bad', z.object({ email: personal(z.string(), { subject: 'id', erased: 'x' }) }))).toThrow(
      InvalidArgumentError,
    );
    expect(CustomerRegistered.personal).toEqual({
      email: { subject: 'customerId', erased: '[erased]' },
      name: { subject: 'customerId', erased: null },
    });
    expect(Pinged.personal).toBeUndefined();
  });

  it('publishes envelopes by default and opened values when the relay decrypts', async () => {
    const published = async (personalData?: 'encrypted' | 'decrypted') => {
      const store = storeOn(createMemoryBackend());
      await register(store, ada);
      await register(store, grace);
      await store.forget('c-1');
      const events: RecordedEvent[] = [];
      await createOutboxRelay(store, {
        publish: async (event) => void events.push(event),
        ...(personalData && { personalData }),
      }).drain();
      return events;
    };
    const encrypted = await published();
    expect(JSON.stringify(encrypted.map((event) => event.data))).not.toMatch(/grace@example|Grace|ada@example/);
    expect((encrypted[1]?.data as Record<string, unknown>).email).toMatchObject({ [ENVELOPE_MARK]: 1, alg: 'A256GCM' });
    expect((encrypted[1]?.data as Record<string, unknown>).plan).toBe('free');

    // An operator's listing shows the rows as the relay would publish them.
    const listed = async (personalData?: 'encrypted' | 'decrypted') => {
      const store = storeOn(createMemoryBackend());
      await register(store, ada);
      const relay = createOutboxRelay(store, { publish: async () => {}, ...(personalData && { personalData }) });
      return (await relay.list({ status: 'pending' })).map((row) => (row.event.data as Record<string, unknown>).email);
    };
    expect(await listed('decrypted')).toEqual(['ada@example.com']);
    expect((await listed())[0]).toMatchObject({ [ENVELOPE_MARK]: 1 });

    const decrypted = await published('decrypted');
    expect(decrypted.map((event) => event.data)).toEqual([{ ...ada, email: '[erased]', name: null }, grace]);
    expect(decrypted[0]?.erased).toEqual(['email', 'name']);
  });

  it("seals the personal fields of snapshots, repositories' too, and masks them once forgotten", async () => {
    const backend = createMemoryBackend();
    const store = storeOn(backend);
    type State = { customerId: string; email: string | null; count: number };
    const personalState = { subject: (state: State) => state.customerId, fields: { email: null } };
    const repository = createRepository(store, {
      category: 'customer',
      snapshots: { every: 1, personal: personalState },
      decider: {
        initialState: (): State => ({ customerId: '', email: null, count: 0 }),
        evolve: (state: State, event) =>
          CustomerRegistered.is(event)
            ? { customerId: event.data.customerId, email: event.data.email, count: state.count + 1 }
            : state,
        decide: (command: Customer) => CustomerRegistered.create(command),
      },
    });
    await repository.handle('c-1', ada);
    const stored = await backend.read((session) =>
      session.loadSnapshot({ tenant: 'default', category: 'customer', id: 'c-1' }),
    );
    expect(stored?.state).not.toContain('ada@example.com');
    expect((await store.loadSnapshot<State>({ category: 'customer', id: 'c-1' }))?.state.email).toBe('ada@example.com');
    expect((await repository.load('c-1')).state).toEqual({ customerId: 'c-1', email: 'ada@example.com', count: 1 });

    await store.forget('c-1');
    const loaded = await store.loadSnapshot<State>({ category: 'customer', id: 'c-1' }, { personal: personalState });
    expect(loaded?.state).toEqual({ customerId: 'c-1', email: null, count: 1 });
    expect(loaded?.erased).toEqual(['email']);
    expect((await repository.load('c-1')).state).toEqual({ customerId: 'c-1', email: null, count: 1 });
  });

  it('hands inline projections the plain values, and upcasters the masked ones', async () => {
    const backend = createMemoryBackend();
    const seen: unknown[] = [];
    const V1 = defineEvent(
      'Signed',
      z.object({ id: z.string(), mail: personal(z.string(), { subject: 'id', erased: '-' }) }),
    );
    const store = createEventStore({
      backend,
      events: [V1],
      personalData: { masterKeys: [masterKey('m1')] },
      projections: [{ name: 'p', handle: async (batch) => void seen.push(...batch.map((event) => event.data)) }],
    });
    await store.append({ category: 's', id: '1' }, V1.create({ id: 's-1', mail: 'a@b.c' }), {
      expectedVersion: 'no_stream',
    });
    expect(seen).toEqual([{ id: 's-1', mail: 'a@b.c' }]);
    await store.forget('s-1');

    const upcast: unknown[] = [];
    const V2 = defineEvent(
      'Signed',
      z.object({ id: z.string(), mail: personal(z.string(), { subject: 'id', erased: '[gone]' }), at: z.number() }),
      {
        version: 2,
        upcasters: {
          1: (data) => {
            upcast.push(data);
            return { ...data, at: 0 };
          },
        },
      },
    );
    const later = createEventStore({ backend, events: [V2], personalData: { masterKeys: [masterKey('m1')] } });
    const [read] = (await later.readAll()).events;
    // The current definition's erased value, given to the upcaster.
    expect(upcast).toEqual([{ id: 's-1', mail: '[gone]' }]);
    expect(read?.data).toEqual({ id: 's-1', mail: '[gone]', at: 0 });
    expect(read?.erased).toEqual(['mail']);
  });
});
