import { randomBytes } from 'node:crypto';
import {
  createConsumer,
  createOutboxRelay,
  createRepository,
  defineEvent,
  EventValidationError,
  InvalidArgumentError,
  InvalidSubjectError,
  LOG_START,
  type MasterKey,
  MasterKeyError,
  PayloadTooLargeError,
  PersonalDataTamperedError,
  personal,
  type RecordedEvent,
  type SnapshotPersonalFields,
  type StreamKey,
} from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { type SuiteContext, uniqueId } from '../context.js';
import { KitError } from '../fixtures.js';

/** A customer's registration: two personal fields of one subject (one nullable), beside plain ones. */
export const CustomerRegistered = defineEvent(
  'CustomerRegistered',
  z.object({
    customerId: z.string(),
    email: personal(z.string(), { subject: 'customerId', erased: '[erased]' }),
    name: personal(z.string().nullable(), { subject: 'customerId', erased: null }),
    plan: z.enum(['free', 'pro']),
  }),
  { tags: (data) => [`customer:${data.customerId}`] },
);

/** A referral: personal fields of two subjects in one event. */
export const CustomerReferred = defineEvent(
  'CustomerReferred',
  z.object({
    referrerId: z.string(),
    referrerEmail: personal(z.string(), { subject: 'referrerId', erased: '[erased]' }),
    refereeId: z.string(),
    refereeEmail: personal(z.string(), { subject: 'refereeId', erased: '[erased]' }),
  }),
);

/** A rename as version-1 code wrote it: the name only. */
export const CustomerRenamedV1 = defineEvent(
  'CustomerRenamed',
  z.object({ customerId: z.string(), name: personal(z.string(), { subject: 'customerId', erased: '[erased]' }) }),
);

/** The rename at version 2: the upcaster derives the name's length from the (decrypted or masked) name. */
export const CustomerRenamed = defineEvent(
  'CustomerRenamed',
  z.object({
    customerId: z.string(),
    name: personal(z.string(), { subject: 'customerId', erased: '[gone]' }),
    nameLength: z.number(),
  }),
  {
    version: 2,
    upcasters: { 1: (v1: { customerId: string; name: string }) => ({ ...v1, nameLength: v1.name.length }) },
  },
);

/** A snapshot's state holding a customer's personal fields. */
interface CustomerState {
  readonly customerId: string;
  readonly email: string;
  readonly name: string | null;
  readonly visits: number;
}

const customerEvents = [CustomerRegistered, CustomerReferred, CustomerRenamed] as const;

const masterKey = (id: string): MasterKey => ({ id, key: new Uint8Array(randomBytes(32)) });

/** Values no other row of any table could hold by chance: found in a table, they leaked. */
function distinctive(customerId: string) {
  return {
    email: `zq-mail-${customerId}@plaintext.example`,
    name: `Zqname Plaintext ${customerId}`,
  };
}

/** A field of an event's data, whichever of the customer events it is. */
const field = (event: { readonly data: unknown } | undefined, name: string): unknown =>
  (event?.data as Record<string, unknown> | undefined)?.[name];

const ENVELOPE = '$es:encrypted';
/** The data key ids (`kid`) of every envelope in stored text. */
const keyIds = (text: string) => new Set([...text.matchAll(/\\?"kid\\?":\s*\\?"([0-9a-f-]{36})/g)].map((m) => m[1]));

/** Changes the first character of every envelope's ciphertext: what a tampered backup holds. */
const tamperCiphertext = (data: string) =>
  data.replace(
    /(\\?"ct\\?":\s*\\?")(.)/g,
    (_match, before: string, first: string) => `${before}${first === 'A' ? 'B' : 'A'}`,
  );

export function personalDataSuite<H>(ctx: SuiteContext<H>): void {
  describe('personal data', () => {
    const current = masterKey('master-2');
    const older = masterKey('master-1');
    /** A store of the customer events with personal data on, keys wrapped by `masterKeys`. */
    const store = (
      options: { masterKeys?: MasterKey[]; cacheTtlMs?: number; outbox?: boolean; tenant?: string } = {},
    ) =>
      ctx.storeOf(customerEvents, {
        personalData: { masterKeys: options.masterKeys ?? [current, older], cacheTtlMs: options.cacheTtlMs ?? 60_000 },
        ...(options.outbox !== undefined && { outbox: options.outbox }),
        ...(options.tenant !== undefined && { tenant: options.tenant }),
      });
    const customer = (prefix = 'cust') => {
      const customerId = uniqueId(prefix);
      return { customerId, stream: { category: 'customer', id: customerId }, ...distinctive(customerId) };
    };
    const registered = (c: ReturnType<typeof customer>, plan: 'free' | 'pro' = 'pro') =>
      CustomerRegistered.create({ customerId: c.customerId, email: c.email, name: c.name, plan });
    const storedText = async (table: string) => (await ctx.target.storedRows())[table]?.join('\n') ?? '';

    it('reads back what it wrote, while the stored data holds envelopes in place of the personal values', async () => {
      const s = store();
      const c = customer();
      const { events } = await s.append(c.stream, registered(c), { expectedVersion: 'no_stream' });
      const [read] = await s.readStream(c.stream);
      expect(read?.data).toEqual({ customerId: c.customerId, email: c.email, name: c.name, plan: 'pro' });
      expect(read?.erased).toBeUndefined();
      expect(field(events[0], 'email')).toBe(c.email);
      const stored = await storedText('events');
      expect(stored).toContain(ENVELOPE);
      expect(stored).toContain(c.customerId);
      expect(stored).not.toContain(c.email);
      expect(stored).not.toContain(c.name);
    });

    it('after forget, every read masks the personal fields with their erased values, which pass the schema, and names them', async () => {
      const s = store();
      const c = customer();
      const other = customer('other');
      await s.append(c.stream, registered(c), { expectedVersion: 'no_stream' });
      await s.append(other.stream, registered(other), { expectedVersion: 'no_stream' });
      expect(await s.forget(c.customerId)).toEqual({ keysDeleted: 1 });

      const masked = { customerId: c.customerId, email: '[erased]', name: null, plan: 'pro' };
      const expectMasked = (event: RecordedEvent | undefined) => {
        expect(event?.data).toEqual(masked);
        expect([...(event?.erased ?? [])].sort()).toEqual(['email', 'name']);
        expect(CustomerRegistered.schema.safeParse(event?.data).success).toBe(true);
      };
      const [fromStream] = await s.readStream(c.stream);
      expectMasked(fromStream);
      const all = (await s.readAll()).events;
      expectMasked(all.find((event) => event.stream.id === c.customerId));
      expect(
        field(
          all.find((event) => event.stream.id === other.customerId),
          'email',
        ),
      ).toBe(other.email);
      const [byTag] = (await s.read([{ tags: [`customer:${c.customerId}`] }])).events;
      expectMasked(byTag);
      expectMasked(await s.readEvent(fromStream?.id ?? ''));
      // The other subject's key is untouched.
      const [kept] = await s.readStream(other.stream);
      expect(kept?.data).toEqual({ customerId: other.customerId, email: other.email, name: other.name, plan: 'pro' });
      expect(kept?.erased).toBeUndefined();
      // Forgetting again finds nothing to delete.
      expect(await s.forget(c.customerId)).toEqual({ keysDeleted: 0 });
    });

    it('does not encrypt a null value, and after forget names only the fields that held a value', async () => {
      const s = store();
      const c = customer();
      await s.append(
        c.stream,
        CustomerRegistered.create({ customerId: c.customerId, email: c.email, name: null, plan: 'free' }),
        {
          expectedVersion: 'no_stream',
        },
      );
      await s.forget(c.customerId);
      const [read] = await s.readStream(c.stream);
      expect(read?.data).toEqual({ customerId: c.customerId, email: '[erased]', name: null, plan: 'free' });
      expect(read?.erased).toEqual(['email']);
    });

    it("masks a consumer's batch after forget", async () => {
      const s = store();
      const c = customer();
      await s.append(c.stream, registered(c), { expectedVersion: 'no_stream' });
      await s.forget(c.customerId);
      const batches: RecordedEvent[][] = [];
      const consumer = createConsumer(s, {
        name: uniqueId('personal'),
        async handle(events) {
          batches.push(events);
        },
      });
      expect(await consumer.catchUp()).toBe(1);
      const [event] = batches.flat();
      expect(field(event, 'email')).toBe('[erased]');
      expect(event?.erased).toContain('email');
    });

    it('a projection rebuilt after forget (consumer reset to the start) is built from the masked data', async () => {
      const s = store();
      const kept = customer('kept');
      const gone = customer('gone');
      await s.append(kept.stream, registered(kept), { expectedVersion: 'no_stream' });
      await s.append(gone.stream, registered(gone), { expectedVersion: 'no_stream' });
      const emails = new Map<string, string>();
      const consumer = createConsumer(s, {
        name: uniqueId('directory'),
        async handle(events) {
          for (const event of events) {
            if (event.type === 'CustomerRegistered') emails.set(event.data.customerId, event.data.email);
          }
        },
      });
      await consumer.catchUp();
      expect(emails.get(gone.customerId)).toBe(gone.email);

      await s.forget(gone.customerId);
      emails.clear();
      await consumer.reset(LOG_START);
      expect(await consumer.catchUp()).toBe(2);
      expect(Object.fromEntries(emails)).toEqual({ [kept.customerId]: kept.email, [gone.customerId]: '[erased]' });
    });

    it('saves a snapshot with its personal fields encrypted, and loads it masked after forget', async () => {
      const s = store();
      const c = customer();
      await s.append(c.stream, registered(c), { expectedVersion: 'no_stream' });
      const personalState: SnapshotPersonalFields<CustomerState> = {
        subject: (state) => state.customerId,
        fields: { email: '[erased]', name: null },
      };
      const state: CustomerState = { customerId: c.customerId, email: c.email, name: c.name, visits: 3 };
      await s.saveSnapshot(c.stream, { version: 1, state }, { personal: personalState });
      const stored = await storedText('snapshots');
      expect(stored).toContain(ENVELOPE);
      expect(stored).not.toContain(c.email);
      expect(stored).not.toContain(c.name);
      const loaded = await s.loadSnapshot<CustomerState>(c.stream, { personal: personalState });
      expect(loaded?.state).toEqual(state);
      expect(loaded?.erased).toBeUndefined();

      await s.forget(c.customerId);
      const masked = await s.loadSnapshot<CustomerState>(c.stream, { personal: personalState });
      expect(masked?.state).toEqual({ customerId: c.customerId, email: '[erased]', name: null, visits: 3 });
      expect([...(masked?.erased ?? [])].sort()).toEqual(['email', 'name']);
    });

    it("a repository's snapshots declared personal are stored encrypted and load masked after forget", async () => {
      const s = store();
      const c = customer();
      interface Profile {
        readonly customerId: string;
        readonly email: string;
        readonly name: string | null;
        readonly registrations: number;
      }
      const repository = createRepository(s, {
        category: 'customer',
        decider: {
          initialState: (): Profile => ({ customerId: '', email: '', name: null, registrations: 0 }),
          evolve: (state: Profile, event): Profile =>
            event.type === 'CustomerRegistered'
              ? {
                  customerId: event.data.customerId,
                  email: event.data.email,
                  name: event.data.name,
                  registrations: state.registrations + 1,
                }
              : state,
          decide: (command: Omit<Profile, 'registrations'>) => CustomerRegistered.create({ ...command, plan: 'pro' }),
        },
        snapshots: {
          every: 1,
          personal: { subject: (state: Profile) => state.customerId, fields: { email: '[erased]', name: null } },
        },
      });
      await repository.handle(c.customerId, { customerId: c.customerId, email: c.email, name: c.name });
      const stored = await storedText('snapshots');
      expect(stored).toContain(c.customerId);
      expect(stored).not.toContain(c.email);
      expect((await repository.load(c.customerId)).state.email).toBe(c.email);
      await s.forget(c.customerId);
      expect((await repository.load(c.customerId)).state).toEqual({
        customerId: c.customerId,
        email: '[erased]',
        name: null,
        registrations: 1,
      });
    });

    describe('the outbox', () => {
      /** Appends one registration with an outbox row, then drains a relay in `mode`; resolves to what it published. */
      const relayed = async (mode: 'encrypted' | 'decrypted' | undefined, forgetFirst: boolean) => {
        const s = store({ outbox: true });
        const c = customer();
        await s.append(c.stream, registered(c), { expectedVersion: 'no_stream' });
        expect(await storedText('events')).not.toContain(c.email);
        if (forgetFirst) await s.forget(c.customerId);
        const published: RecordedEvent[] = [];
        const relay = createOutboxRelay(s, {
          ...(mode && { personalData: mode }),
          async publish(event) {
            published.push(event);
          },
        });
        expect(await relay.drain()).toBe(1);
        return { c, published, text: JSON.stringify(published[0]?.data) };
      };

      it("'encrypted' (the default) publishes envelopes with their key ids, never the plaintext", async () => {
        for (const mode of [undefined, 'encrypted'] as const) {
          const { c, published, text } = await relayed(mode, false);
          expect(field(published[0], 'customerId')).toBe(c.customerId);
          expect(text).toContain(ENVELOPE);
          expect(keyIds(text).size).toBe(1);
          expect(text).not.toContain(c.email);
          expect(text).not.toContain(c.name);
        }
      });

      it("'decrypted' publishes the plaintext, and the masked values once the subject is forgotten", async () => {
        const before = await relayed('decrypted', false);
        expect(before.published[0]?.data).toEqual({
          customerId: before.c.customerId,
          email: before.c.email,
          name: before.c.name,
          plan: 'pro',
        });
        const after = await relayed('decrypted', true);
        expect(after.published[0]?.data).toEqual({
          customerId: after.c.customerId,
          email: '[erased]',
          name: null,
          plan: 'pro',
        });
        expect([...(after.published[0]?.erased ?? [])].sort()).toEqual(['email', 'name']);
      });
    });

    it('a forget inside a host transaction that rolls back leaves the key; one that commits deletes it', async () => {
      const s = store();
      const c = customer();
      await s.append(c.stream, registered(c), { expectedVersion: 'no_stream' });
      await expect(
        ctx.target.hostTransaction(async (handle) => {
          const inHost = s.withTransaction(handle);
          expect(await inHost.forget(c.customerId)).toEqual({ keysDeleted: 1 });
          // The transaction's own reads look keys up in it: the key is gone there.
          expect(field((await inHost.readStream(c.stream))[0], 'email')).toBe('[erased]');
          throw new KitError('the host changes its mind');
        }),
      ).rejects.toBeInstanceOf(KitError);
      // Another store (a cache of its own) reads the key the rollback kept; so does this one.
      for (const reader of [store(), s]) expect(field((await reader.readStream(c.stream))[0], 'email')).toBe(c.email);

      await ctx.target.hostTransaction((handle) => s.withTransaction(handle).forget(c.customerId));
      for (const reader of [store(), s])
        expect(field((await reader.readStream(c.stream))[0], 'email')).toBe('[erased]');
    });

    it('a key made in a transaction that rolled back never encrypts later data', async () => {
      const s = store();
      const c = customer();
      await expect(
        ctx.target.hostTransaction(async (handle) => {
          await s.withTransaction(handle).append(c.stream, registered(c), { expectedVersion: 'no_stream' });
          throw new KitError('the host changes its mind');
        }),
      ).rejects.toBeInstanceOf(KitError);
      await s.append(c.stream, registered(c), { expectedVersion: 'no_stream' });
      const [read] = await store().readStream(c.stream);
      expect(field(read, 'email')).toBe(c.email);
      expect(read?.erased).toBeUndefined();
    });

    it('two subjects in one event: forgetting one masks only its fields', async () => {
      const s = store();
      const referrer = customer('referrer');
      const referee = customer('referee');
      const stream = { category: 'referral', id: uniqueId() };
      await s.append(
        stream,
        CustomerReferred.create({
          referrerId: referrer.customerId,
          referrerEmail: referrer.email,
          refereeId: referee.customerId,
          refereeEmail: referee.email,
        }),
        { expectedVersion: 'no_stream' },
      );
      expect(keyIds(await storedText('events')).size).toBe(2);
      await s.forget(referee.customerId);
      const [read] = await s.readStream(stream);
      expect(read?.data).toEqual({
        referrerId: referrer.customerId,
        referrerEmail: referrer.email,
        refereeId: referee.customerId,
        refereeEmail: '[erased]',
      });
      expect(read?.erased).toEqual(['refereeEmail']);
    });

    it("keeps one subject id in two tenants apart: forgetting it in one leaves the other's, and no tenant reads another's data", async () => {
      const acme = store({ tenant: 'acme' });
      const globex = store({ tenant: 'globex' });
      const c = customer();
      const inGlobex = { ...c, email: `zq-globex-${c.customerId}@plaintext.example` };
      await acme.append(c.stream, registered(c), { expectedVersion: 'no_stream' });
      await globex.append(c.stream, registered(inGlobex), { expectedVersion: 'no_stream' });
      // Two keys: one per tenant.
      expect(keyIds(await storedText('events')).size).toBe(2);
      // A reader of every tenant decrypts each event with its own tenant's key.
      const both = (await store().readAll({ allTenants: true })).events;
      expect(Object.fromEntries(both.map((e) => [e.stream.tenant, field(e, 'email')]))).toEqual({
        acme: c.email,
        globex: inGlobex.email,
      });

      expect(await acme.forget(c.customerId)).toEqual({ keysDeleted: 1 });
      expect(field((await acme.readStream(c.stream))[0], 'email')).toBe('[erased]');
      expect(field((await globex.readStream(c.stream))[0], 'email')).toBe(inGlobex.email);
      expect((await globex.readStream(c.stream))[0]?.erased).toBeUndefined();

      // Globex's stored data copied into acme's event (around the library): acme finds no key of
      // that id among its own, so it reads the erased value, never globex's plaintext.
      const globexStream: StreamKey = { tenant: 'globex', category: 'customer', id: c.customerId };
      let globexData = '';
      await ctx.target.editStoredEvents(globexStream, (data) => {
        globexData = data;
        return data;
      });
      expect(await ctx.target.editStoredEvents({ ...globexStream, tenant: 'acme' }, () => globexData)).toBe(1);
      const [copied] = await store({ tenant: 'acme', cacheTtlMs: 0 }).readStream(c.stream);
      expect(field(copied, 'email')).toBe('[erased]');
      expect(field(copied, 'customerId')).toBe(c.customerId);
    });

    it('refuses tampered ciphertext with PersonalDataTamperedError', async () => {
      const s = store();
      const c = customer();
      await s.append(c.stream, registered(c), { expectedVersion: 'no_stream' });
      const edited = await ctx.target.editStoredEvents({ tenant: s.tenant, ...c.stream }, tamperCiphertext);
      expect(edited).toBe(1);
      const error = await s.readStream(c.stream).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(PersonalDataTamperedError);
      expect((error as PersonalDataTamperedError).code).toBe('PERSONAL_DATA_TAMPERED');
      await expect(s.readAll()).rejects.toBeInstanceOf(PersonalDataTamperedError);
    });

    it('refuses a data key no configured master key unwraps with MasterKeyError', async () => {
      const c = customer();
      await store().append(c.stream, registered(c), { expectedVersion: 'no_stream' });
      // The same master key id with other bytes, and a set of master keys without its id.
      for (const masterKeys of [[{ ...current, key: masterKey('x').key }], [masterKey('master-3')]]) {
        const error = await store({ masterKeys, cacheTtlMs: 0 })
          .readStream(c.stream)
          .catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(MasterKeyError);
        expect((error as MasterKeyError).code).toBe('MASTER_KEY_MISMATCH');
      }
    });

    it('rotating a data key keeps older data readable; forget deletes every version', async () => {
      const s = store();
      const c = customer();
      await s.append(c.stream, registered(c), { expectedVersion: 'no_stream' });
      const rotated = await s.rotateKey(c.customerId);
      expect(rotated.version).toBe(2);
      await s.append(c.stream, registered(c, 'free'), { expectedVersion: 1 });
      const kids = keyIds(await storedText('events'));
      expect(kids.size).toBe(2);
      expect(kids.has(rotated.keyId)).toBe(true);
      for (const reader of [s, store({ cacheTtlMs: 0 })]) {
        expect((await reader.readStream(c.stream)).map((e) => field(e, 'email'))).toEqual([c.email, c.email]);
      }
      expect(await s.forget(c.customerId)).toEqual({ keysDeleted: 2 });
      expect((await s.readStream(c.stream)).map((e) => field(e, 'email'))).toEqual(['[erased]', '[erased]']);
    });

    it('rotating the master key keeps data under the older one readable while it is configured', async () => {
      const first = masterKey('rotation-1');
      const second = masterKey('rotation-2');
      const before = customer('before');
      const after = customer('after');
      await store({ masterKeys: [first] }).append(before.stream, registered(before), { expectedVersion: 'no_stream' });
      const rotatedStore = store({ masterKeys: [second, first], cacheTtlMs: 0 });
      await rotatedStore.append(after.stream, registered(after), { expectedVersion: 'no_stream' });
      expect(field((await rotatedStore.readStream(before.stream))[0], 'email')).toBe(before.email);
      expect(field((await rotatedStore.readStream(after.stream))[0], 'email')).toBe(after.email);
      // The new subject's key is wrapped by the new master key alone; the old one's still needs the old master key.
      const onlyNew = store({ masterKeys: [second], cacheTtlMs: 0 });
      expect(field((await onlyNew.readStream(after.stream))[0], 'email')).toBe(after.email);
      await expect(onlyNew.readStream(before.stream)).rejects.toBeInstanceOf(MasterKeyError);
    });

    it('upcasters run on the masked data', async () => {
      const c = customer();
      const v1 = ctx.storeOf([CustomerRenamedV1], { personalData: { masterKeys: [current] } });
      await v1.append(c.stream, CustomerRenamedV1.create({ customerId: c.customerId, name: c.name }), {
        expectedVersion: 'no_stream',
      });
      const s = store();
      expect((await s.readStream(c.stream))[0]?.data).toEqual({
        customerId: c.customerId,
        name: c.name,
        nameLength: c.name.length,
      });
      await s.forget(c.customerId);
      const [read] = await s.readStream(c.stream);
      // The current definition's erased value, seen by the upcaster.
      expect(read?.data).toEqual({ customerId: c.customerId, name: '[gone]', nameLength: '[gone]'.length });
      expect(read?.erased).toEqual(['name']);
    });

    it('concurrent first appends for one new subject from several connections make one key, version 1, and every event is readable', async () => {
      const c = customer();
      const writers = 6;
      await Promise.all(
        Array.from({ length: writers }, (_, n) =>
          store().append({ category: 'customer', id: `${c.customerId}-${n}` }, registered(c), {
            expectedVersion: 'no_stream',
          }),
        ),
      );
      const kids = keyIds(await storedText('events'));
      expect(kids.size).toBe(1);
      const keyRows = (await ctx.target.storedRows()).dataKeys ?? [];
      expect(keyRows.filter((row) => row.includes(c.customerId))).toHaveLength(1);
      const reader = store({ cacheTtlMs: 0 });
      for (let n = 0; n < writers; n++) {
        const [read] = await reader.readStream({ category: 'customer', id: `${c.customerId}-${n}` });
        expect(field(read, 'email')).toBe(c.email);
      }
      expect((await reader.rotateKey(c.customerId)).version).toBe(2);
    }, 60_000);

    it('no table holds a personal value in clear after appends, snapshots and outbox rows; the other fields are there', async () => {
      const s = store({ outbox: true });
      const customers = [customer('a'), customer('b'), customer('c')];
      for (const c of customers) {
        await s.append(
          c.stream,
          [
            registered(c),
            CustomerRenamed.create({ customerId: c.customerId, name: `${c.name} Renamed`, nameLength: 0 }),
          ],
          {
            expectedVersion: 'no_stream',
          },
        );
        await s.saveSnapshot<CustomerState>(
          c.stream,
          { version: 2, state: { customerId: c.customerId, email: c.email, name: c.name, visits: 1 } },
          { personal: { subject: (state: CustomerState) => state.customerId, fields: { email: '', name: null } } },
        );
      }
      const [referrer, referee] = customers as [ReturnType<typeof customer>, ReturnType<typeof customer>];
      await s.append(
        { category: 'referral', id: uniqueId() },
        CustomerReferred.create({
          referrerId: referrer.customerId,
          referrerEmail: referrer.email,
          refereeId: referee.customerId,
          refereeEmail: referee.email,
        }),
        { expectedVersion: 'no_stream' },
      );
      expect((await ctx.target.countRows()).outbox).toBeGreaterThan(0);
      const rows = await ctx.target.storedRows();
      const everything = Object.values(rows).flat().join('\n');
      for (const c of customers) {
        expect(everything).not.toContain(c.email);
        expect(everything).not.toContain(c.name);
        // Not even a part of it: the plaintexts' distinctive stems.
        expect(everything).not.toContain(`zq-mail-${c.customerId}`);
        expect(everything).not.toContain(`Zqname Plaintext`);
        // The non-personal fields are there in clear, in the events and the snapshots.
        expect(rows.events?.join('\n')).toContain(c.customerId);
        expect(rows.snapshots?.join('\n')).toContain(c.customerId);
      }
      expect(rows.events?.join('\n')).toContain('pro');
      expect(rows.events?.join('\n')).toContain('nameLength');
      expect(rows.dataKeys?.length).toBe(customers.length);
    });

    describe('refusals', () => {
      it('checks the size limit on the stored (encrypted) data, writing nothing', async () => {
        const c = customer();
        const data = { customerId: c.customerId, email: c.email, name: c.name, plan: 'pro' };
        // The data in clear fits; with its two values sealed (an envelope is over 100 bytes) it does not.
        const s = ctx.storeOf(customerEvents, {
          personalData: { masterKeys: [current] },
          limits: { maxEventBytes: Buffer.byteLength(JSON.stringify(data)) + 50 },
        });
        await expect(s.append(c.stream, registered(c), { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(
          PayloadTooLargeError,
        );
        expect((await ctx.target.countRows()).events).toBe(0);
        expect((await ctx.target.storedRows()).dataKeys ?? []).toEqual([]);
      });

      it('a store of events with personal fields and no personalData option is refused', () => {
        expect(() => ctx.storeOf(customerEvents)).toThrow(InvalidArgumentError);
      });

      it('refuses a malformed subject, in the data or to forget or rotate, writing nothing', async () => {
        const s = store();
        for (const customerId of ['', 'x'.repeat(201)]) {
          await expect(
            s.append(
              { category: 'customer', id: uniqueId() },
              CustomerRegistered.create({ customerId, email: 'a@b.example', name: null, plan: 'free' }),
              {
                expectedVersion: 'no_stream',
              },
            ),
          ).rejects.toBeInstanceOf(EventValidationError);
          await expect(s.forget(customerId)).rejects.toBeInstanceOf(InvalidSubjectError);
          await expect(s.rotateKey(customerId)).rejects.toBeInstanceOf(InvalidSubjectError);
        }
        expect((await ctx.target.countRows()).events).toBe(0);
        expect((await ctx.target.storedRows()).dataKeys ?? []).toEqual([]);
      });
    });
  });
}
