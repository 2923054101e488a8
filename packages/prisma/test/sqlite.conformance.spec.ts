import { prismaTarget } from '@es/prisma/testing';
import { describeConformance } from '@es/testing/conformance';

describeConformance(prismaTarget('sqlite'));
