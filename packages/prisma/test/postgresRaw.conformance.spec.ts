import { describeConformance } from '@es/testing/conformance';
import { prismaTarget } from './support/index.ts';

// Without `pgPool`: every statement through $queryRawUnsafe, Prisma's own path.
describeConformance(prismaTarget('postgres', { pgPool: false }));
