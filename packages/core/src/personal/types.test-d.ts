// Type-level tests of personal data: checked by `pnpm typecheck` (tsc).
import { expectTypeOf } from 'expect-type';
import { z } from 'zod';
import {
  createEventStore,
  createMemoryBackend,
  createOutboxRelay,
  defineEvent,
  type KeyStore,
  type PersonalDataOptions,
  personal,
  type RecordedEventOf,
  type Snapshot,
} from '../index.js';

const Plain = defineEvent(
  'Registered',
  z.object({ customerId: z.string(), email: z.string(), name: z.string().nullable(), at: z.date() }),
);
const Personal = defineEvent(
  'Registered',
  z.object({
    customerId: z.string(),
    email: personal(z.string(), { subject: 'customerId', erased: '[erased]' }),
    name: personal(z.string().nullable(), { subject: 'customerId', erased: null }),
    at: personal(z.date(), { subject: 'customerId', erased: new Date(0) }),
  }),
);

// personal() returns the very schema it is given: the event's types are those of the plain one.
const email = z.string().email();
expectTypeOf(personal(email, { subject: 'id', erased: 'x' })).toEqualTypeOf<typeof email>();
expectTypeOf(Personal.create).parameter(0).toEqualTypeOf<Parameters<typeof Plain.create>[0]>();
expectTypeOf(Personal.create({ customerId: 'c', email: 'e', name: null, at: new Date() }).data).toEqualTypeOf<
  ReturnType<typeof Plain.create>['data']
>();
expectTypeOf<RecordedEventOf<typeof Personal>['data']>().toEqualTypeOf<RecordedEventOf<typeof Plain>['data']>();
expectTypeOf<RecordedEventOf<typeof Personal>['erased']>().toEqualTypeOf<readonly string[] | undefined>();

// The erased value has the field's type.
// @ts-expect-error: a string field's erased value is a string
personal(z.string(), { subject: 'id', erased: 1 });

// The store's option: master keys or a key store, not both.
const keyStore = {} as KeyStore;
expectTypeOf<{ keyStore: KeyStore }>().toMatchTypeOf<PersonalDataOptions>();
expectTypeOf<{
  masterKeys: { id: string; key: Uint8Array }[];
  cacheTtlMs: number;
}>().toMatchTypeOf<PersonalDataOptions>();
// @ts-expect-error: one or the other
const both: PersonalDataOptions = { keyStore, masterKeys: [] };
void both;

const store = createEventStore({
  backend: createMemoryBackend(),
  events: [Personal],
  personalData: { masterKeys: [{ id: 'm1', key: new Uint8Array(32) }] },
});
expectTypeOf(store.forget('c')).toEqualTypeOf<Promise<{ keysDeleted: number }>>();
expectTypeOf(store.rotateKey('c')).toEqualTypeOf<Promise<{ keyId: string; version: number }>>();

// Snapshots name their state's personal fields, typed by the state.
type State = { customerId: string; email: string | null; visits: number };
const personalState = { subject: (state: State) => state.customerId, fields: { email: null } };
expectTypeOf(store.loadSnapshot<State>({ category: 'c', id: '1' }, { personal: personalState })).toEqualTypeOf<
  Promise<Snapshot<State> | undefined>
>();
store.saveSnapshot(
  { category: 'c', id: '1' },
  { version: 1, state: { customerId: 'c', email: 'e', visits: 1 } as State },
  // @ts-expect-error: `email` holds a string or null, not a number
  { personal: { subject: (state: State) => state.customerId, fields: { email: 1 } } },
);

createOutboxRelay(store, { publish: async () => {}, personalData: 'decrypted' });
// @ts-expect-error: 'encrypted' or 'decrypted'
createOutboxRelay(store, { publish: async () => {}, personalData: 'plain' });
