import { mikroOrmTarget } from '@es/mikro-orm/testing';
import { describeConformance } from '@es/testing/conformance';

describeConformance(mikroOrmTarget('mysql'));
