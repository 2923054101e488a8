export { givenAggregate } from './given/aggregate.js';
export { type DeciderOutcome, type DeciderSpecification, given } from './given/decider.js';
