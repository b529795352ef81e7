/** The write context moved to src/edge/ (shared by REST and GraphQL); kept here for the REST imports. */
export { writeContext, type WriteContext } from '../edge/idempotency.js';
