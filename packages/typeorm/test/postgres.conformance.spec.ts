import { describeConformance } from '@es/testing/conformance';
import { typeormTarget } from './support/index.ts';

describeConformance(typeormTarget('postgres'));
