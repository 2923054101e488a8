import { defineEvent } from '@es/core';
import { z } from 'zod';

/** The bank-account events every suite uses. */
export const AccountOpened = defineEvent(
  'AccountOpened',
  z.object({ owner: z.string().min(1), currency: z.enum(['EUR', 'USD']), openedAt: z.date() }),
  {
    version: 3,
    upcasters: {
      1: (v1: { holder: string }) => ({ owner: v1.holder }),
      2: (v2: { owner: string }) => ({ ...v2, currency: 'EUR', openedAt: new Date(0) }),
    },
  },
);

/** The same event as version-1 code wrote it. */
export const AccountOpenedV1 = defineEvent('AccountOpened', z.object({ holder: z.string() }), { version: 1 });

export const Deposited = defineEvent(
  'Deposited',
  z.object({ amount: z.number().positive(), cents: z.bigint().optional(), note: z.string().max(10_000).optional() }),
);

export const Withdrawn = defineEvent('Withdrawn', z.object({ amount: z.number().positive() }));

export const Tagged = defineEvent(
  'Tagged',
  z.object({
    tags: z.set(z.string()),
    labels: z.map(z.string(), z.number()),
    nested: z.object({ deep: z.array(z.object({ at: z.date() })) }),
  }),
);

/** A payload that is not an object: what a driver's own JSON parse would confuse with text. */
export const Noted = defineEvent('Noted', z.string());

export const bankEvents = [AccountOpened, Deposited, Withdrawn, Tagged, Noted] as const;
export type BankEventDefinition = (typeof bankEvents)[number];

export function deposit(amount: number) {
  return Deposited.create({ amount });
}

/**
 * An error the kit's own code throws (a handler, a publisher, a host transaction, a decider), which
 * the store hands back as it is. Every other error the store throws must be an `EsError`.
 */
export class KitError extends Error {}

/** Dynamic consistency boundaries: a course with a capacity, and students enrolling in it. */
export const CourseDefined = defineEvent('CourseDefined', z.object({ courseId: z.string(), capacity: z.number() }), {
  tags: (data) => [`course:${data.courseId}`],
});

export const StudentEnrolled = defineEvent(
  'StudentEnrolled',
  z.object({ courseId: z.string(), studentId: z.string() }),
  { tags: (data) => [`course:${data.courseId}`, `student:${data.studentId}`] },
);

export const StudentLeft = defineEvent('StudentLeft', z.object({ courseId: z.string(), studentId: z.string() }), {
  tags: (data) => [`course:${data.courseId}`, `student:${data.studentId}`],
});

/** A username, unique across the store (no stream holds usernames). */
export const UsernameClaimed = defineEvent('UsernameClaimed', z.object({ username: z.string() }), {
  tags: (data) => [`username:${data.username}`],
});

export const enrolmentEvents = [CourseDefined, StudentEnrolled, StudentLeft, UsernameClaimed, Noted] as const;
export type EnrolmentEventDefinition = (typeof enrolmentEvents)[number];

/**
 * What a partitioned projection handled in one batch, in order: each event's stream id and version.
 * The kit's partition tests append one to stream `handled-<partition>` per committed batch.
 */
export const BatchHandled = defineEvent(
  'BatchHandled',
  z.object({ events: z.array(z.object({ stream: z.string(), version: z.number().int() })) }),
);

/** The bank events and `BatchHandled`: what the partition tests' stores register. */
export const partitionEvents = [...bankEvents, BatchHandled] as const;
export type PartitionEventDefinition = (typeof partitionEvents)[number];
