import { fileURLToPath } from 'node:url';
import { uuidv7 } from '@es/core';
import { EnrolmentRefused, openEnrolment } from '../src/enrolment.ts';

const url = `${process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432'}/es_examples`;
let app: Awaited<ReturnType<typeof openEnrolment>>;

beforeAll(async () => {
  app = await openEnrolment(url, fileURLToPath(new URL('../drizzle', import.meta.url)), { studentLimit: 2 });
});
afterAll(() => app.close());

const reasons = (outcomes: PromiseSettledResult<unknown>[]) =>
  outcomes.flatMap((outcome) => {
    if (outcome.status === 'fulfilled') return [];
    if (!(outcome.reason instanceof EnrolmentRefused)) throw outcome.reason;
    return [outcome.reason.reason];
  });

test('16 students racing for 10 seats: 10 enrolled, 6 refused because the course is full', async () => {
  const course = `course-${uuidv7()}`;
  await app.defineCourse(course, 10);
  const outcomes = await Promise.allSettled(
    Array.from({ length: 16 }, (_, i) => app.enrol(course, `s-${course}-${i}`)),
  );
  expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
  expect(reasons(outcomes)).toEqual(Array(6).fill('course-full'));
  expect(await app.students(course)).toHaveLength(10);
});

test('a student enrolling in 5 courses at once with a limit of 2: exactly 2 enrolments', async () => {
  const courses = Array.from({ length: 5 }, () => `course-${uuidv7()}`);
  for (const course of courses) await app.defineCourse(course, 10);
  const student = `student-${uuidv7()}`;
  const outcomes = await Promise.allSettled(courses.map((course) => app.enrol(course, student)));
  expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
  expect(reasons(outcomes)).toEqual(Array(3).fill('student-limit'));
  const { events } = await app.store.read([{ types: ['StudentEnrolled'], tags: [`student:${student}`] }]);
  expect(events).toHaveLength(2);
});

test('enrolling twice is a no-op; an unknown course and a course defined twice are refused', async () => {
  // Students of this run only: the database keeps earlier runs' enrolments, which count toward
  // a student's limit.
  const course = `course-${uuidv7()}`;
  const [ada, grace] = [`ada-${uuidv7()}`, `grace-${uuidv7()}`];
  await app.defineCourse(course, 1);
  await expect(app.defineCourse(course, 5)).rejects.toMatchObject({ reason: 'course-exists' });
  expect((await app.enrol(course, ada)).events).toHaveLength(1);
  expect((await app.enrol(course, ada)).events).toHaveLength(0);
  await expect(app.enrol(course, grace)).rejects.toMatchObject({ reason: 'course-full' });
  await expect(app.enrol(`course-${uuidv7()}`, ada)).rejects.toMatchObject({ reason: 'no-such-course' });
});
