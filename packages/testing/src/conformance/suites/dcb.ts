import {
  AppendConditionFailedError,
  compareLogPositions,
  createDecisionRepository,
  type DecisionModel,
  defineEvent,
  type EventInputOf,
  type EventStore,
  InvalidArgumentError,
  InvalidTagError,
  LOG_START,
  type LogPosition,
  ReadHeldBackError,
  TAG_MAX_LENGTH,
  TAGS_PER_EVENT_MAX,
  UnsupportedIsolationError,
} from '@es/core';
import type { SqlBackend } from '@es/core/sql';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { holdPoint, logPosition, type SuiteContext, uniqueId } from '../context.js';
import {
  CourseDefined,
  type EnrolmentEventDefinition,
  enrolmentEvents,
  KitError,
  StudentEnrolled,
  StudentLeft,
  UsernameClaimed,
} from '../fixtures.js';

type Store<H> = EventStore<EnrolmentEventDefinition, H>;

/** The course is full: the decision's own refusal (not the store's). */
class CourseFull extends KitError {}

interface Course {
  readonly capacity: number;
  readonly enrolled: Set<string>;
}

/** Enrol a student in a course with a capacity: the specification's own example. */
const enrolment: DecisionModel<Course, { courseId: string; studentId: string }, EnrolmentEventDefinition> = {
  query: ({ courseId }) => [
    { types: ['CourseDefined', 'StudentEnrolled', 'StudentLeft'], tags: [`course:${courseId}`] },
  ],
  initialState: () => ({ capacity: 0, enrolled: new Set() }),
  evolve(state, event) {
    switch (event.type) {
      case 'CourseDefined':
        return { ...state, capacity: event.data.capacity };
      case 'StudentEnrolled':
        return { ...state, enrolled: new Set([...state.enrolled, event.data.studentId]) };
      case 'StudentLeft':
        return { ...state, enrolled: new Set([...state.enrolled].filter((id) => id !== event.data.studentId)) };
      default:
        return state;
    }
  },
  decide({ courseId, studentId }, state) {
    if (state.enrolled.has(studentId)) return [];
    if (state.enrolled.size >= state.capacity) throw new CourseFull(`course ${courseId} is full`);
    return StudentEnrolled.create({ courseId, studentId });
  },
};

/** A course defined, and its tag. */
async function defineCourse<H>(store: Store<H>, capacity = 10) {
  const courseId = uniqueId('course');
  await store.append(CourseDefined.create({ courseId, capacity }));
  return { courseId, tag: `course:${courseId}` };
}

/**
 * A host transaction that appends `event` and stays open until `release()` (its event written,
 * not committed); `done` settles once it has ended.
 */
async function openAppend<H>(ctx: SuiteContext<H>, store: Store<H>, event: EventInputOf<EnrolmentEventDefinition>) {
  const open = holdPoint();
  const done = ctx.target.hostTransaction(async (handle) => {
    await store.withTransaction(handle).append(event as never);
    await open.hold();
  });
  // A transaction that ends before its hold fails the test with its own error, rather than
  // hanging it or letting the test go on with nothing held.
  const ended = done.then(
    () => 'ended' as const,
    () => 'ended' as const,
  );
  if ((await Promise.race([open.reached.then(() => 'held' as const), ended])) === 'ended') {
    await done;
    throw new KitError('the host transaction ended before it held its append open');
  }
  return { release: open.release, done };
}

/**
 * The course's enrolments now read `students` in log order, the one named `lower` holding the
 * lower position (it committed late), and an enrolment conditional on nothing matching after
 * `after` is refused: the late one is caught.
 */
async function expectLateCommitCaught<H>(
  s: Store<H>,
  courseId: string,
  after: LogPosition,
  students: readonly [string, string],
  lower: 'first' | 'second',
) {
  const query = [{ types: ['StudentEnrolled' as const], tags: [`course:${courseId}`] }];
  const events = (await s.read(query)).events;
  expect(events.map((e) => e.data.studentId)).toEqual(students);
  const [first, second] = events;
  if (lower === 'first') expect(first!.position).toBeLessThan(second!.position);
  else expect(second!.position).toBeLessThan(first!.position);
  await expect(
    s.append(StudentEnrolled.create({ courseId, studentId: 'late' }), {
      condition: { failIfEventsMatch: query, after },
    }),
  ).rejects.toBeInstanceOf(AppendConditionFailedError);
  return events;
}

const ROUNDS = 50;
const WRITERS = 16;
const CAPACITY = 10;

export function dcbSuite<H>(ctx: SuiteContext<H>): void {
  const store = () => ctx.storeOf(enrolmentEvents);

  describe('dynamic consistency boundaries', () => {
    describe('tags', () => {
      it('stores the tags an event type declares and the event adds, and every read returns them sorted', async () => {
        const s = store();
        const courseId = uniqueId('course');
        const stream = { category: 'course', id: courseId };
        const { events } = await s.append(
          stream,
          [
            CourseDefined.create({ courseId, capacity: 3 }, { tags: ['term:2026', 'a-first'] }),
            { type: 'Noted', data: 'no tags' },
          ],
          { expectedVersion: 'no_stream' },
        );
        const tags = [['a-first', `course:${courseId}`, 'term:2026'], []];
        expect(events.map((e) => e.tags)).toEqual(tags);
        expect((await s.readStream(stream)).map((e) => e.tags)).toEqual(tags);
        const logged = (await s.readAll()).events.filter((e) => e.stream.id === courseId);
        expect(logged.map((e) => e.tags)).toEqual(tags);
        expect((await s.read([{ tags: ['term:2026'] }])).events.map((e) => e.tags)).toEqual([tags[0]]);
        expect((await ctx.target.countRows()).tags).toBe(3);
      });

      it('appends events of no stream, in a stream of their own of the reserved category, seen by the global log', async () => {
        const s = store();
        const { courseId } = await defineCourse(s);
        const { events, lastPosition } = await s.append([
          StudentEnrolled.create({ courseId, studentId: 's1' }),
          StudentEnrolled.create({ courseId, studentId: 's2' }),
        ]);
        expect(events.map((e) => [e.stream.category, e.version])).toEqual([
          ['$dcb', 1],
          ['$dcb', 2],
        ]);
        expect(events[0]?.stream.id).toBe(events[1]?.stream.id);
        expect(lastPosition).toBe(events[1]?.position);
        const logged = (await s.readAll()).events.filter((e) => e.type === 'StudentEnrolled');
        expect(logged.map((e) => e.id)).toEqual(events.map((e) => e.id));
        expect(logged[1]?.tags).toEqual([`course:${courseId}`, 'student:s2']);
      });

      it('refuses bad tags with InvalidTagError before anything is written', async () => {
        const s = store();
        const courseId = uniqueId('course');
        const bad: unknown[] = [
          [''],
          ['x'.repeat(TAG_MAX_LENGTH + 1)],
          ['a\u0000b'],
          ['line\nbreak'],
          ['same', 'same'],
          [' padded'],
          [42],
          'not-a-list',
          Array.from({ length: TAGS_PER_EVENT_MAX + 1 }, (_, i) => `t${i}`),
        ];
        for (const tags of bad) {
          const event = { type: 'StudentEnrolled', data: { courseId, studentId: 's1' }, tags } as never;
          await expect(s.append(event)).rejects.toBeInstanceOf(InvalidTagError);
          await expect(
            s.append({ category: 'course', id: courseId }, event, { expectedVersion: 'any' }),
          ).rejects.toBeInstanceOf(InvalidTagError);
        }
        // A declared tag function that throws is the event's bad input.
        const Throwing = defineEvent('ThrowingTags', z.object({}), {
          tags: () => {
            throw new KitError('no tags for this one');
          },
        });
        await expect(ctx.storeOf([Throwing]).append(Throwing.create({}))).rejects.toBeInstanceOf(InvalidTagError);
        // A declared tag function's result is checked too.
        await expect(s.append(UsernameClaimed.create({ username: 'x'.repeat(TAG_MAX_LENGTH) }))).rejects.toMatchObject({
          code: 'INVALID_TAG',
        });
        expect(await ctx.target.countRows()).toMatchObject({ events: 0, streams: 0, tags: 0 });
        // The longest tag is stored as it is.
        const longest = `x${'y'.repeat(TAG_MAX_LENGTH - 1)}`;
        const { events } = await s.append({ type: 'Noted', data: 'long', tags: [longest] });
        expect((await s.read([{ tags: [longest] }])).events.map((e) => e.id)).toEqual([events[0]?.id]);
      });

      it('deleting a stream deletes its events\u2019 tags; an event appended with no stream is deleted by its own stream', async () => {
        const s = store();
        const courseId = uniqueId('course');
        const stream = { category: 'course', id: courseId };
        await s.append(stream, CourseDefined.create({ courseId, capacity: 1 }), { expectedVersion: 'no_stream' });
        await s.append(StudentEnrolled.create({ courseId, studentId: 's1' }));
        expect((await ctx.target.countRows()).tags).toBe(3);
        await s.deleteStream(stream);
        expect((await ctx.target.countRows()).tags).toBe(2);
        const [enrolled] = (await s.read([{ tags: [`course:${courseId}`] }])).events;
        expect(enrolled?.type).toBe('StudentEnrolled');
        // An event appended with no stream is read and deleted by its own stream.
        expect((await s.readStream(enrolled!.stream)).map((e) => e.id)).toEqual([enrolled!.id]);
        expect(await s.deleteStream(enrolled!.stream)).toBe(true);
        expect(await ctx.target.countRows()).toMatchObject({ events: 0, tags: 0 });
        await expect(
          s.append(enrolled!.stream, { type: 'Noted', data: 'x' }, { expectedVersion: 'any' }),
        ).rejects.toMatchObject({
          code: 'INVALID_STREAM',
        });
      });
    });

    describe('queries', () => {
      /** Two courses and a student in both: events of several types and tags, in log order. */
      async function catalogue<H>(s: Store<H>) {
        const a = await defineCourse(s, 5);
        const b = await defineCourse(s, 5);
        const e1 = await s.append(StudentEnrolled.create({ courseId: a.courseId, studentId: 'ann' }));
        const e2 = await s.append(StudentEnrolled.create({ courseId: b.courseId, studentId: 'ann' }));
        const e3 = await s.append(StudentEnrolled.create({ courseId: a.courseId, studentId: 'bob' }));
        const e4 = await s.append(StudentLeft.create({ courseId: a.courseId, studentId: 'ann' }));
        await s.append({ type: 'Noted', data: 'untagged' });
        const id = (result: { events: { id: string }[] }) => result.events[0]?.id as string;
        return { a, b, e1: id(e1), e2: id(e2), e3: id(e3), e4: id(e4) };
      }
      const ids = (page: { events: readonly { id: string }[] }) => page.events.map((e) => e.id);

      it('matches by types only, by tags only (all of them), and by both, in log order', async () => {
        const s = store();
        const { a, e1, e2, e3, e4 } = await catalogue(s);
        expect(ids(await s.read([{ types: ['StudentLeft'] }]))).toEqual([e4]);
        expect((await s.read([{ types: ['CourseDefined'] }])).events).toHaveLength(2);
        expect(ids(await s.read([{ tags: ['student:ann'] }]))).toEqual([e1, e2, e4]);
        expect(ids(await s.read([{ tags: ['student:ann', a.tag] }]))).toEqual([e1, e4]);
        expect(ids(await s.read([{ types: ['StudentEnrolled'], tags: [a.tag] }]))).toEqual([e1, e3]);
        expect(
          ids(await s.read([{ types: ['StudentEnrolled', 'StudentLeft'], tags: [a.tag, 'student:ann'] }])),
        ).toEqual([e1, e4]);
        expect((await s.read([{ tags: ['student:nobody'] }])).events).toEqual([]);
        expect((await s.read([{ types: ['UsernameClaimed'] }])).events).toEqual([]);
        const read = await s.read([{ tags: [a.tag] }]);
        for (let i = 1; i < read.events.length; i++) {
          expect(compareLogPositions(logPosition(read.events[i - 1]!), logPosition(read.events[i]!))).toBeLessThan(0);
        }
      });

      it('ORs the items of a query, each event once; no item at all (or an empty item) matches every event', async () => {
        const s = store();
        const { b, e2, e3, e4 } = await catalogue(s);
        expect(
          ids(
            await s.read([
              { tags: ['student:bob'] },
              { types: ['StudentLeft'] },
              { tags: [b.tag], types: ['StudentEnrolled'] },
            ]),
          ),
        ).toEqual([e2, e3, e4]);
        // An event matching two items comes once.
        expect(
          ids(await s.read([{ tags: ['student:bob'] }, { types: ['StudentEnrolled'], tags: ['student:bob'] }])),
        ).toEqual([e3]);
        const all = await s.read([]);
        expect(all.events).toHaveLength(7);
        expect(ids(all)).toEqual(ids(await s.readAll()));
        expect(ids(await s.read([{ tags: ['student:bob'] }, {}]))).toEqual(ids(all));
      });

      it('reads after a position, pages with a limit, and `next` continues without gaps or repeats', async () => {
        const s = store();
        const { a, e1, e3, e4 } = await catalogue(s);
        const query = [{ tags: [a.tag] }];
        const all = await s.read(query);
        expect(all.events).toHaveLength(4);
        const after = logPosition(all.events[1]!);
        expect(ids(await s.read(query, { after }))).toEqual([e3, e4]);
        const seen: string[] = [];
        let cursor = LOG_START;
        for (let page = 0; page < 10; page++) {
          const read = await s.read(query, { after: cursor, limit: 3 });
          seen.push(...ids(read));
          cursor = read.next;
          if (read.events.length < 3) break;
        }
        expect(seen).toEqual(ids(all));
        expect(seen.slice(1)).toEqual([e1, e3, e4]);
        // Past the end: nothing, and `next` stays where it was.
        const end = await s.read(query, { after: all.next });
        expect(end.events).toEqual([]);
        // It never moves back (on PostgreSQL the horizon may move on meanwhile).
        expect(compareLogPositions(end.next, all.next)).toBeGreaterThanOrEqual(0);
      });

      it('refuses malformed queries with InvalidArgumentError (and bad tags with InvalidTagError)', async () => {
        const s = store();
        const bad: unknown[] = [
          'all',
          [null],
          [[]],
          [{ types: [] }],
          [{ tags: [] }],
          [{ types: 'StudentEnrolled' }],
          [{ types: [''] }],
          [{ tag: ['x'] }],
        ];
        for (const query of bad) {
          await expect(s.read(query as never)).rejects.toBeInstanceOf(InvalidArgumentError);
          await expect(
            s.append({ type: 'Noted', data: 'x' }, { condition: { failIfEventsMatch: query as never } }),
          ).rejects.toBeInstanceOf(InvalidArgumentError);
        }
        await expect(s.read([{ tags: ['bad\ttag'] }])).rejects.toBeInstanceOf(InvalidTagError);
        await expect(s.read([], { after: { position: 1 } as never })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(
          s.append({ type: 'Noted', data: 'x' }, { condition: { failIfEventsMatch: [], after: 3n } as never }),
        ).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(s.append({ type: 'Noted', data: 'x' }, { condition: [] as never })).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
        expect((await ctx.target.countRows()).events).toBe(0);
      });
    });

    describe('conditional appends', () => {
      it('fails with AppendConditionFailedError, naming the query and writing nothing, when a matching event came after the read', async () => {
        const s = store();
        const { courseId, tag } = await defineCourse(s);
        const query = [{ types: ['StudentEnrolled' as const], tags: [tag] }];
        const read = await s.read(query);
        await s.append(StudentEnrolled.create({ courseId, studentId: 'first' }));
        const before = await ctx.target.countRows();
        const error = await s
          .append(StudentEnrolled.create({ courseId, studentId: 'second' }), {
            condition: { failIfEventsMatch: query, after: read.next },
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppendConditionFailedError);
        expect((error as AppendConditionFailedError).code).toBe('APPEND_CONDITION_FAILED');
        expect((error as AppendConditionFailedError).query).toContain(tag);
        expect((error as AppendConditionFailedError).after).toEqual(read.next);
        expect(await ctx.target.countRows()).toEqual(before);
        expect((await s.read(query)).events.map((e) => e.data.studentId)).toEqual(['first']);
      });

      it('passes when matching events are all at or before `after`, or only other events came after it', async () => {
        const s = store();
        const { courseId, tag } = await defineCourse(s);
        const other = await defineCourse(s);
        await s.append(StudentEnrolled.create({ courseId, studentId: 'early' }));
        const query = [{ tags: [tag] }];
        const read = await s.read(query);
        expect(read.events).toHaveLength(2);
        // After the read: events of another course, of another type, untagged.
        await s.append(StudentEnrolled.create({ courseId: other.courseId, studentId: 'elsewhere' }));
        await s.append({ type: 'Noted', data: 'unrelated' });
        await s.append(UsernameClaimed.create({ username: uniqueId('user') }));
        const { events } = await s.append(StudentEnrolled.create({ courseId, studentId: 'late' }), {
          condition: { failIfEventsMatch: query, after: read.next },
        });
        expect(events).toHaveLength(1);
        // The same read's position again: its own event now matches.
        await expect(
          s.append(StudentEnrolled.create({ courseId, studentId: 'later' }), {
            condition: { failIfEventsMatch: query, after: read.next },
          }),
        ).rejects.toBeInstanceOf(AppendConditionFailedError);
      });

      it('without `after`, any matching event at all fails it', async () => {
        const s = store();
        const username = uniqueId('user');
        const claim = () =>
          s.append(UsernameClaimed.create({ username }), {
            condition: { failIfEventsMatch: [{ types: ['UsernameClaimed'], tags: [`username:${username}`] }] },
          });
        await claim();
        await expect(claim()).rejects.toBeInstanceOf(AppendConditionFailedError);
        // A query of types only, and the query matching every event.
        await expect(
          s.append(
            { type: 'Noted', data: 'x' },
            { condition: { failIfEventsMatch: [{ types: ['UsernameClaimed'] }] } },
          ),
        ).rejects.toBeInstanceOf(AppendConditionFailedError);
        await expect(
          s.append({ type: 'Noted', data: 'x' }, { condition: { failIfEventsMatch: [] } }),
        ).rejects.toBeInstanceOf(AppendConditionFailedError);
        const head = (await s.read([])).next;
        await s.append({ type: 'Noted', data: 'x' }, { condition: { failIfEventsMatch: [], after: head } });
        expect((await ctx.target.countRows()).events).toBe(2);
      });

      it('on a stream append, both the condition and the expected version must hold', async () => {
        const s = store();
        const { courseId, tag } = await defineCourse(s);
        const stream = { category: 'roster', id: courseId };
        const query = [{ tags: [tag], types: ['StudentEnrolled' as const] }];
        const read = await s.read(query);
        await s.append(stream, StudentEnrolled.create({ courseId, studentId: 's1' }), {
          expectedVersion: 'no_stream',
          condition: { failIfEventsMatch: query, after: read.next },
        });
        // The expected version holds, the condition does not: nothing written.
        await expect(
          s.append(stream, StudentEnrolled.create({ courseId, studentId: 's2' }), {
            expectedVersion: 1,
            condition: { failIfEventsMatch: query, after: read.next },
          }),
        ).rejects.toBeInstanceOf(AppendConditionFailedError);
        const again = await s.read(query);
        await expect(
          s.append(stream, StudentEnrolled.create({ courseId, studentId: 's2' }), {
            expectedVersion: 0,
            condition: { failIfEventsMatch: query, after: again.next },
          }),
        ).rejects.toMatchObject({ code: 'CONCURRENCY' });
        await s.append(stream, StudentEnrolled.create({ courseId, studentId: 's2' }), {
          expectedVersion: 1,
          condition: { failIfEventsMatch: query, after: again.next },
        });
        expect((await s.readStream(stream)).map((e) => e.data)).toEqual([
          { courseId, studentId: 's1' },
          { courseId, studentId: 's2' },
        ]);
      });

      it("joins the host's transaction: a rollback removes the events and their tags, a commit keeps both", async () => {
        const s = store();
        const { courseId, tag } = await defineCourse(s);
        const query = [{ tags: [tag], types: ['StudentEnrolled' as const] }];
        const head = (await s.read(query)).next;
        const before = await ctx.target.countRows();
        await expect(
          ctx.target.hostTransaction(async (handle) => {
            const joined = s.withTransaction(handle);
            await joined.append(StudentEnrolled.create({ courseId, studentId: 'rolled-back' }), {
              condition: { failIfEventsMatch: query, after: head },
            });
            await ctx.target.writeHostRow(handle, uniqueId('row'));
            // Inside the transaction its own event counts against a second condition.
            await expect(
              joined.append(StudentEnrolled.create({ courseId, studentId: 'second' }), {
                condition: { failIfEventsMatch: query, after: head },
              }),
            ).rejects.toBeInstanceOf(AppendConditionFailedError);
            throw new KitError('roll back');
          }),
        ).rejects.toBeInstanceOf(KitError);
        expect(await ctx.target.countRows()).toEqual(before);
        expect((await s.read(query)).events).toEqual([]);
        const row = uniqueId('row');
        await ctx.target.hostTransaction(async (handle) => {
          await s.withTransaction(handle).append(StudentEnrolled.create({ courseId, studentId: 'kept' }), {
            condition: { failIfEventsMatch: query, after: head },
          });
          await ctx.target.writeHostRow(handle, row);
        });
        expect((await s.read(query)).events.map((e) => e.data.studentId)).toEqual(['kept']);
        expect(await ctx.target.hostRowIds()).toContain(row);
        expect((await ctx.target.countRows()).tags).toBe(before.tags + 2);
      });

      it('keeps tenants apart: the same tags in another tenant are never read nor fail a condition', async () => {
        const acme = store().forTenant('acme');
        const globex = store().forTenant('globex');
        const courseId = uniqueId('course');
        const query = [{ tags: [`course:${courseId}`] }];
        const globexHead = (await globex.read(query)).next;
        await acme.append(CourseDefined.create({ courseId, capacity: 1 }));
        await acme.append(StudentEnrolled.create({ courseId, studentId: 's1' }));
        expect((await acme.read(query)).events).toHaveLength(2);
        expect((await globex.read(query)).events).toEqual([]);
        expect((await globex.read([])).events).toEqual([]);
        expect((await globex.read([{ types: ['StudentEnrolled'] }])).events).toEqual([]);
        await globex.append(CourseDefined.create({ courseId, capacity: 1 }), {
          condition: { failIfEventsMatch: query, after: globexHead },
        });
        await globex.append(StudentEnrolled.create({ courseId, studentId: 's2' }), {
          condition: { failIfEventsMatch: [{ types: ['StudentEnrolled'] }] },
        });
        await expect(
          acme.append(StudentEnrolled.create({ courseId, studentId: 's3' }), {
            condition: { failIfEventsMatch: [{ types: ['StudentEnrolled'] }] },
          }),
        ).rejects.toBeInstanceOf(AppendConditionFailedError);
        expect((await globex.read(query)).events.map((e) => e.stream.tenant)).toEqual(['globex', 'globex']);
      });
    });

    describe('decisions', () => {
      it('reads the query, folds, decides and appends on the read’s condition; refusals are the decision’s own', async () => {
        const s = store();
        const { courseId } = await defineCourse(s, 2);
        const enrol = createDecisionRepository(s, enrolment);
        const first = await enrol.handle({ courseId, studentId: 's1' });
        expect(first.events.map((e) => e.data)).toEqual([{ courseId, studentId: 's1' }]);
        expect([...first.state.enrolled]).toEqual(['s1']);
        expect(first.retried).toBe(0);
        // Deciding nothing appends nothing.
        const again = await enrol.handle({ courseId, studentId: 's1' });
        expect(again.events).toEqual([]);
        await enrol.handle({ courseId, studentId: 's2' });
        await expect(enrol.handle({ courseId, studentId: 's3' })).rejects.toBeInstanceOf(CourseFull);
        expect((await enrol.load({ courseId, studentId: 'x' })).state.enrolled.size).toBe(2);
      });

      it('decides again when its condition fails, up to `retries` times', async () => {
        const s = store();
        const { courseId } = await defineCourse(s, 20);
        /** The store, with another writer enrolling someone right after each of the first `times` reads. */
        const overtaken = (times: number) => {
          let left = times;
          return new Proxy(s, {
            get(target, key) {
              if (key !== 'read') return Reflect.get(target, key);
              return async (...args: Parameters<Store<H>['read']>) => {
                const page = await target.read(...args);
                if (left-- > 0) await target.append(StudentEnrolled.create({ courseId, studentId: uniqueId('other') }));
                return page;
              };
            },
          });
        };
        await expect(
          createDecisionRepository(overtaken(1), enrolment).handle({ courseId, studentId: 's1' }),
        ).rejects.toBeInstanceOf(AppendConditionFailedError);
        const decided = await createDecisionRepository(overtaken(2), enrolment).handle(
          { courseId, studentId: 's1' },
          { retries: 2 },
        );
        expect(decided.retried).toBe(2);
        expect(decided.state.enrolled.size).toBe(4);
        expect(decided.state.enrolled.has('s1')).toBe(true);
        await expect(
          createDecisionRepository(overtaken(3), enrolment).handle({ courseId, studentId: 's2' }, { retries: 2 }),
        ).rejects.toBeInstanceOf(AppendConditionFailedError);
        await expect(
          createDecisionRepository(s, enrolment).handle({ courseId, studentId: 's2' }, { retries: -1 }),
        ).rejects.toBeInstanceOf(InvalidArgumentError);
      });
    });

    describe('racing', () => {
      it(`${WRITERS} writers enrolling distinct students in a course of ${CAPACITY}, ${ROUNDS} rounds: never more than ${CAPACITY} enrolled, every refusal typed`, async () => {
        const stores = Array.from({ length: WRITERS }, () => store());
        let conflicts = 0;
        for (let round = 0; round < ROUNDS; round++) {
          const { courseId, tag } = await defineCourse(stores[0]!, CAPACITY);
          const outcomes = await Promise.allSettled(
            stores.map(async (s, writer) => {
              const enrol = createDecisionRepository(s, enrolment);
              // One attempt first: a refusal is the store's typed error or the decision's own.
              try {
                return await enrol.handle({ courseId, studentId: `s${writer}` });
              } catch (error) {
                if (!(error instanceof AppendConditionFailedError) && !(error instanceof CourseFull)) throw error;
                if (error instanceof AppendConditionFailedError) conflicts++;
                if (error instanceof CourseFull) throw error;
              }
              return enrol.handle({ courseId, studentId: `s${writer}` }, { retries: 100 });
            }),
          );
          for (const outcome of outcomes) {
            if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(CourseFull);
          }
          const enrolled = (await stores[0]!.read([{ types: ['StudentEnrolled'], tags: [tag] }])).events;
          expect(enrolled.length).toBeLessThanOrEqual(CAPACITY);
          // Everyone kept trying until enrolled or refused for a full course: the course filled.
          expect(enrolled).toHaveLength(CAPACITY);
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(CAPACITY);
          expect(new Set(enrolled.map((e) => e.data.studentId)).size).toBe(CAPACITY);
        }
        // The writers did race (a decision overtaken between its read and its append).
        expect(conflicts).toBeGreaterThan(0);
      }, 300_000);

      it(`${WRITERS} writers racing for one username: exactly one wins, every other gets AppendConditionFailedError`, async () => {
        for (let round = 0; round < 5; round++) {
          const username = uniqueId('user');
          const query = [{ types: ['UsernameClaimed' as const], tags: [`username:${username}`] }];
          const stores = Array.from({ length: WRITERS }, () => store());
          const reads = await Promise.all(stores.map((s) => s.read(query)));
          const outcomes = await Promise.allSettled(
            stores.map((s, i) =>
              s.append(UsernameClaimed.create({ username }, { metadata: { writer: i } }), {
                condition: { failIfEventsMatch: query, after: reads[i]!.next },
              }),
            ),
          );
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
          for (const outcome of outcomes) {
            if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(AppendConditionFailedError);
          }
          expect((await stores[0]!.read(query)).events).toHaveLength(1);
        }
      }, 120_000);

      if (ctx.target.dialect === 'postgres') {
        it('PostgreSQL: an event with a lower position that commits after the read makes the condition fail (late commit)', async () => {
          const s = store();
          const { courseId, tag } = await defineCourse(s);
          const query = [{ types: ['StudentEnrolled' as const], tags: [tag] }];
          // A slow writer takes its position first and holds its transaction open...
          const slow = await openAppend(ctx, s, StudentEnrolled.create({ courseId, studentId: 'slow' }));
          let after: LogPosition | undefined;
          try {
            // ...the read cannot see it and must not hand out a cursor past it...
            const read = await s.read(query);
            expect(read.events).toEqual([]);
            after = read.next;
            // ...and a faster writer commits a matching event with a higher position.
            await s.append(StudentEnrolled.create({ courseId, studentId: 'fast' }));
          } finally {
            slow.release();
          }
          await slow.done;
          if (!after) throw new KitError('no read');
          const [slowEvent] = await expectLateCommitCaught(s, courseId, after, ['slow', 'fast'], 'first');
          expect(compareLogPositions(after, logPosition(slowEvent!))).toBeLessThan(0);
        });

        it('PostgreSQL: a read waits for an older open transaction that holds back a committed matching event, up to maxWaitMs', async () => {
          const s = store();
          const { courseId, tag } = await defineCourse(s);
          const query = [{ types: ['StudentEnrolled' as const], tags: [tag] }];
          const older = await openAppend(ctx, s, { type: 'Noted', data: 'an older writer, open' });
          try {
            // Committed after the older transaction began: above the horizon while it is open.
            await s.append(StudentEnrolled.create({ courseId, studentId: 'committed' }));
            await expect(s.read(query, { maxWaitMs: 50 })).rejects.toBeInstanceOf(ReadHeldBackError);
            const waiting = s.read(query);
            setTimeout(() => older.release(), 200);
            const read = await waiting;
            expect(read.events.map((e) => e.data.studentId)).toEqual(['committed']);
            await s.append(StudentEnrolled.create({ courseId, studentId: 'next' }), {
              condition: { failIfEventsMatch: query, after: read.next },
            });
          } finally {
            older.release();
            await older.done;
          }
        });

        it('PostgreSQL: the condition compares (transaction id, position), never the position alone', async () => {
          const s = store();
          const { courseId, tag } = await defineCourse(s);
          const query = [{ types: ['StudentEnrolled' as const], tags: [tag] }];
          // An older transaction (it wrote first: the lower transaction id) stays open...
          const older = holdPoint();
          const olderTx = ctx.target.hostTransaction(async (handle) => {
            const joined = s.withTransaction(handle);
            await joined.append({ type: 'Noted', data: 'takes a transaction id' });
            await older.hold();
            await joined.append(StudentEnrolled.create({ courseId, studentId: 'older' }));
          });
          await older.reached;
          // ...while a younger one takes a lower position for its matching event and stays open...
          const younger = holdPoint();
          const youngerTx = ctx.target.hostTransaction(async (handle) => {
            await s.withTransaction(handle).append(StudentEnrolled.create({ courseId, studentId: 'younger' }));
            await younger.hold();
          });
          await younger.reached;
          let after: LogPosition | undefined;
          try {
            older.release();
            await olderTx;
            // The read returns the older one's event, with a higher position than the younger's.
            const read = await s.read(query, { limit: 1 });
            expect(read.events.map((e) => e.data.studentId)).toEqual(['older']);
            after = read.next;
          } finally {
            older.release();
            younger.release();
          }
          await youngerTx;
          if (!after) throw new KitError('no read');
          await expectLateCommitCaught(s, courseId, after, ['older', 'younger'], 'second');
        });

        it('PostgreSQL: a conditional append waits for an open append its query matches, then fails on it', async () => {
          const s = store();
          const { courseId, tag } = await defineCourse(s);
          const query = [{ tags: [tag] }];
          const head = (await s.read(query)).next;
          const holder = await openAppend(ctx, s, StudentEnrolled.create({ courseId, studentId: 'first' }));
          let settled = false;
          // Its outcome is taken at once: once the holder commits, the waiting append may fail
          // before `holder.done` has resolved, and a rejection nothing handled yet fails the test.
          const waiting = s
            .append(StudentEnrolled.create({ courseId, studentId: 'second' }), {
              condition: { failIfEventsMatch: query, after: head },
            })
            .then(
              () => 'appended' as const,
              (error: unknown) => error,
            )
            .finally(() => {
              settled = true;
            });
          try {
            // An append its query cannot match passes by meanwhile.
            await s.append(UsernameClaimed.create({ username: uniqueId('user') }), {
              condition: { failIfEventsMatch: [{ types: ['UsernameClaimed'], tags: ['username:nobody'] }] },
            });
            expect(settled).toBe(false);
          } finally {
            holder.release();
            await holder.done;
          }
          expect(await waiting).toBeInstanceOf(AppendConditionFailedError);
        });

        it('PostgreSQL: a conditional append in a REPEATABLE READ transaction is refused, nothing written', async () => {
          const s = store();
          const { connection } = ctx.backend() as Partial<SqlBackend<H>>;
          if (!connection) throw new KitError('a SQL target whose backend exposes no connection');
          const before = await ctx.target.countRows();
          const error = await ctx.target
            .hostTransaction(async (handle) => {
              await connection.join(handle).execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
              await s
                .withTransaction(handle)
                .append({ type: 'Noted', data: 'x' }, { condition: { failIfEventsMatch: [] } });
            })
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(UnsupportedIsolationError);
          expect(await ctx.target.countRows()).toEqual(before);
        });
      }
    });
  });
}
