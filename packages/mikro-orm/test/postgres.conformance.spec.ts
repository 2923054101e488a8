import { describeConformance } from '@es/testing/conformance';
import { mikroOrmTarget } from './support/index.ts';

describeConformance(mikroOrmTarget('postgres'));
