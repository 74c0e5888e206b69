// What the admin console's API answers, as JSON: positions through jsonPosition (numbers while exact),
// every field of an event, every field of a projection's status.
import type { ProjectionStatus, RecordedEvent, StreamInfo } from '@janus/core';
import { jsonPosition } from '@janus/http';

export function eventJson(event: RecordedEvent): Record<string, unknown> {
  return {
    position: jsonPosition(event.position),
    streamId: event.streamId,
    version: event.version,
    type: event.type,
    recordedAt: event.recordedAt,
    id: event.id,
    metadata: event.metadata,
    data: event.data ?? null,
  };
}

export function streamJson(stream: StreamInfo): Record<string, unknown> {
  return { streamId: stream.streamId, version: stream.version, position: jsonPosition(stream.position) };
}

export function statusJson(status: ProjectionStatus): Record<string, unknown> {
  const { failure, rebuild } = status;
  return {
    name: status.name,
    version: status.version,
    position: jsonPosition(status.position),
    head: jsonPosition(status.head),
    lag: jsonPosition(status.lag),
    state: status.state,
    failure: failure && { ...failure, position: jsonPosition(failure.position) },
    rebuild: rebuild && {
      ...rebuild,
      done: jsonPosition(rebuild.done),
      total: jsonPosition(rebuild.total),
      rate: Math.round(rebuild.rate),
      secondsLeft: rebuild.secondsLeft === null ? null : Math.ceil(rebuild.secondsLeft),
    },
    ...(status.declaredVersion === undefined
      ? {}
      : { declaredVersion: status.declaredVersion, outdated: status.outdated === true }),
  };
}
