import { fileURLToPath } from 'node:url';
import { uuidv7 } from '@es/core';
import { EnrolmentRefused, openEnrolment } from './enrolment.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/es_examples';
const app = await openEnrolment(url, fileURLToPath(new URL('../drizzle', import.meta.url)), { studentLimit: 2 });
const course = `course-${uuidv7()}`;
await app.defineCourse(course, 3);

// Eight students race for three seats, each on a connection of its own.
const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => app.enrol(course, `student-${i}`)));
for (const [i, outcome] of outcomes.entries()) {
  const result =
    outcome.status === 'fulfilled'
      ? `enrolled (decided ${outcome.value.retried + 1} time(s))`
      : outcome.reason instanceof EnrolmentRefused
        ? `refused: ${outcome.reason.reason}`
        : `failed: ${String(outcome.reason)}`;
  console.log(`student-${i}: ${result}`);
}
console.log(`${course}: ${(await app.students(course)).join(', ')}`);
await app.close();
