import { createDecisionRepository, createEventStore, type DecisionModel, defineEvent } from '@es/core';
import { createDrizzleBackend } from '@es/drizzle/postgresql';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { z } from 'zod';

// Each event says which entities it concerns with tags: no stream per course or per student.
export const CourseDefined = defineEvent(
  'CourseDefined',
  z.object({ courseId: z.string(), capacity: z.number().int().positive() }),
  {
    tags: (data) => [`course:${data.courseId}`],
  },
);
export const StudentEnrolled = defineEvent(
  'StudentEnrolled',
  z.object({ courseId: z.string(), studentId: z.string() }),
  {
    tags: (data) => [`course:${data.courseId}`, `student:${data.studentId}`],
  },
);
export const StudentLeft = defineEvent('StudentLeft', z.object({ courseId: z.string(), studentId: z.string() }), {
  tags: (data) => [`course:${data.courseId}`, `student:${data.studentId}`],
});
export const events = [CourseDefined, StudentEnrolled, StudentLeft];
type Events = (typeof events)[number];

/** A refusal of the domain's, not the store's. */
export class EnrolmentRefused extends Error {
  readonly reason: 'no-such-course' | 'course-full' | 'student-limit' | 'course-exists';

  constructor(reason: EnrolmentRefused['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

interface Enrol {
  readonly courseId: string;
  readonly studentId: string;
}

interface EnrolState {
  readonly command: Enrol;
  readonly capacity: number | undefined;
  /** Students in the course. */
  readonly inCourse: ReadonlySet<string>;
  /** Courses the student is in. */
  readonly ofStudent: ReadonlySet<string>;
}

const without = (set: ReadonlySet<string>, item: string) => new Set([...set].filter((x) => x !== item));

/**
 * Two rules across two entities, decided together: the course has room, and the student is in
 * fewer than `studentLimit` courses. The query reads the course's events and the student's
 * enrolments; the append is conditional on none of them having changed since.
 */
export function enrolmentModel(studentLimit: number): DecisionModel<EnrolState, Enrol, Events> {
  return {
    query: ({ courseId, studentId }) => [
      { types: ['CourseDefined', 'StudentEnrolled', 'StudentLeft'], tags: [`course:${courseId}`] },
      { types: ['StudentEnrolled', 'StudentLeft'], tags: [`student:${studentId}`] },
    ],
    initialState: (command) => ({ command, capacity: undefined, inCourse: new Set(), ofStudent: new Set() }),
    evolve(state, event) {
      const { courseId, studentId } = state.command;
      switch (event.type) {
        case 'CourseDefined':
          return { ...state, capacity: event.data.capacity };
        case 'StudentEnrolled':
          return {
            ...state,
            inCourse:
              event.data.courseId === courseId ? new Set([...state.inCourse, event.data.studentId]) : state.inCourse,
            ofStudent:
              event.data.studentId === studentId ? new Set([...state.ofStudent, event.data.courseId]) : state.ofStudent,
          };
        case 'StudentLeft':
          return {
            ...state,
            inCourse: event.data.courseId === courseId ? without(state.inCourse, event.data.studentId) : state.inCourse,
            ofStudent:
              event.data.studentId === studentId ? without(state.ofStudent, event.data.courseId) : state.ofStudent,
          };
      }
    },
    decide({ courseId, studentId }, state) {
      if (state.capacity === undefined) throw new EnrolmentRefused('no-such-course', `no course ${courseId}`);
      if (state.inCourse.has(studentId)) return [];
      if (state.inCourse.size >= state.capacity)
        throw new EnrolmentRefused('course-full', `course ${courseId} is full`);
      if (state.ofStudent.size >= studentLimit) {
        throw new EnrolmentRefused('student-limit', `student ${studentId} is in ${studentLimit} courses already`);
      }
      return StudentEnrolled.create({ courseId, studentId });
    },
  };
}

export async function openEnrolment(url: string, migrationsFolder: string, options: { studentLimit: number }) {
  const pool = new pg.Pool({ connectionString: url, max: 16 });
  const db = drizzle(pool);
  // Its own journal: drizzle's migrator skips a migration older than the newest it recorded, and
  // another app migrating the same database (the drizzle-postgres example) would hide this one's.
  await migrate(db, { migrationsFolder, migrationsTable: '__enrol_migrations' });
  const store = createEventStore({ backend: createDrizzleBackend(db, { tablePrefix: 'enrol_es_' }), events });
  const enrolments = createDecisionRepository(store, enrolmentModel(options.studentLimit));

  /** Defines a course once: the condition is that no event of the course exists at all. */
  async function defineCourse(courseId: string, capacity: number) {
    await store
      .append(CourseDefined.create({ courseId, capacity }), {
        condition: { failIfEventsMatch: [{ types: ['CourseDefined'], tags: [`course:${courseId}`] }] },
      })
      .catch((error: unknown) => {
        throw error instanceof Error && 'code' in error && error.code === 'APPEND_CONDITION_FAILED'
          ? new EnrolmentRefused('course-exists', `course ${courseId} exists`)
          : error;
      });
  }

  /** Enrols, deciding again (up to 20 times) when another enrolment of the course or student came first. */
  const enrol = (courseId: string, studentId: string) => enrolments.handle({ courseId, studentId }, { retries: 20 });

  async function students(courseId: string): Promise<string[]> {
    const { state } = await enrolments.load({ courseId, studentId: '' });
    return [...state.inCourse].sort();
  }

  return { pool, store, defineCourse, enrol, students, close: () => pool.end() };
}
