import { describeConformance } from '@es/testing/conformance';
import { prismaTarget } from './support/index.ts';

describeConformance(prismaTarget('postgres'));
