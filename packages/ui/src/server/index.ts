// `@es/ui`: the event browser's request handler. The page it serves is built from src/client.
export type * from '../api/contract.js';
