import { describeConformance } from '@es/testing/conformance';
import { drizzleTarget } from './support/index.ts';

describeConformance(drizzleTarget('mysql'));
