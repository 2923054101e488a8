import { drizzleTarget } from '@es/drizzle/testing';
import { describeConformance } from '@es/testing/conformance';

describeConformance(drizzleTarget('mysql'));
