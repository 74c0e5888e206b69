import type { ProjectionStatus } from './projectionStatus.js';
import type { ProjectionFailure } from './projectionStore.js';

/** What the projection runner tells of failures, rebuild progress and switches: the hook for logs. */
export type RunnerNotice =
  | {
      readonly kind: 'failed';
      readonly projection: string;
      readonly failure: ProjectionFailure;
      readonly error: unknown;
    }
  | { readonly kind: 'recovered'; readonly projection: string }
  | { readonly kind: 'error'; readonly projection: string; readonly error: unknown }
  | { readonly kind: 'rebuild-started'; readonly projection: string; readonly generation: number }
  | { readonly kind: 'rebuild-progress'; readonly projection: string; readonly status: ProjectionStatus }
  | { readonly kind: 'rebuild-completed'; readonly projection: string; readonly generation: number };
