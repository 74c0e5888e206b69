// The analytics service's messages, handlers and read models, for one store kind.
import type { CommandBus, EventStore, Projection, QueryBus, ReadModels } from '@janus/core';
import type { SqlReader } from './sql/portableSql.js';
import {
  GetEventStatistics,
  GetTopEventTypes,
  eventStatsForPostgres,
  eventStatsForSqlite,
  getEventStatistics,
  getTopEventTypes,
} from './statistics/eventStats.js';
import { TrackEvents, UpdateProfile, trackingHandlers } from './tracking/tracking.js';
import {
  GetUserSummary,
  ListUserEvents,
  getUserSummary,
  listUserEvents,
  profiles,
  userActivityForPostgres,
  userActivityForSqlite,
} from './users/userActivity.js';

/** Every read model, in the SQL dialect of the store that keeps them. */
export function analyticsProjections(store: 'sqlite' | 'postgres'): readonly Projection[] {
  return store === 'sqlite'
    ? [eventStatsForSqlite, userActivityForSqlite, profiles]
    : [eventStatsForPostgres, userActivityForPostgres, profiles];
}

export function registerAnalyticsCommands(bus: CommandBus, deps: { readonly store: EventStore }): CommandBus {
  const handlers = trackingHandlers(deps);
  return bus.register(TrackEvents, handlers.trackEvents).register(UpdateProfile, handlers.updateProfile);
}

export interface AnalyticsQueryDeps {
  readonly sql: SqlReader;
  readonly readModels: ReadModels;
}

export function registerAnalyticsQueries(bus: QueryBus, deps: AnalyticsQueryDeps): QueryBus {
  return bus
    .register(GetEventStatistics, (q) => getEventStatistics(deps.sql, q.data))
    .register(GetTopEventTypes, (q) => getTopEventTypes(deps.sql, q.data))
    .register(ListUserEvents, (q) => listUserEvents(deps, q.data))
    .register(GetUserSummary, (q) => getUserSummary(deps, q.data));
}
