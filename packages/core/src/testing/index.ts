export { given, type DeciderSpec } from './given.js';
export type { ProjectionSpec } from './givenProjection.js';
export type { WorkflowSpec } from './givenWorkflow.js';
export { GIVEN_TIME, type GivenEvent } from './recordEvents.js';
