export * from './decisions.js';
export { type AppendCondition, QUERY_LIMITS, type Query, type QueryEventTypes, type QueryItem } from './query.js';
export { TAG_MAX_LENGTH, TAGS_PER_EVENT_MAX } from './tags.js';
