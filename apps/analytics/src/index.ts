// The public API of the analytics app: what the benchmark (bench/ingest.bench.js) and tools import.
export { analyticsProjections, registerAnalyticsCommands, registerAnalyticsQueries } from './analytics.js';
export { analyticsService, type AnalyticsRole } from './service.js';
export { openAnalyticsStores, type AnalyticsStores } from './http/analyticsStores.js';
export { describeNotice } from '@janus/service';
export { getEventStatistics, getTopEventTypes } from './statistics/eventStats.js';
export { MAX_BATCH, ingest, type TrackInput } from './tracking/tracking.js';
