import { describeConformance } from '@es/testing/conformance';
import { typeormTarget } from '@es/typeorm/testing';

describeConformance(typeormTarget('postgres'));
