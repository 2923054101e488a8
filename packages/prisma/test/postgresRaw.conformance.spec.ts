import { prismaTarget } from '@es/prisma/testing';
import { describeConformance } from '@es/testing/conformance';

// Without `pgPool`: every statement through $queryRawUnsafe, Prisma's own path.
describeConformance(prismaTarget('postgres', { pgPool: false }));
