import { describeConformance, memoryTarget } from '../src/conformance/index.js';

describeConformance(memoryTarget());
