import type { RecordedEvent } from './api.js';
import { formatCount, formatJson, formatTime } from './format.js';

/** Every field of one event; its data and metadata as formatted JSON. */
export function EventDetails({ event }: { event: RecordedEvent }) {
  return (
    <article class="event" aria-label={`Event version ${event.version}: ${event.type}`}>
      <h2>{event.type}</h2>
      <dl>
        <dt>Stream</dt>
        <dd>
          <code>{event.streamId}</code>
        </dd>
        <dt>Version</dt>
        <dd>{event.version}</dd>
        <dt>Position</dt>
        <dd>{formatCount(event.position)}</dd>
        <dt>Time</dt>
        <dd>
          <time dateTime={event.recordedAt} title={event.recordedAt}>
            {formatTime(event.recordedAt)}
          </time>
        </dd>
        <dt>Event id</dt>
        <dd>
          <code>{event.id}</code>
        </dd>
      </dl>
      <h3 class="small">Data</h3>
      <pre class="json" aria-label="Data as JSON" tabIndex={0}>
        {formatJson(event.data)}
      </pre>
      <h3 class="small">Metadata</h3>
      <pre class="json" aria-label="Metadata as JSON" tabIndex={0}>
        {formatJson(event.metadata)}
      </pre>
    </article>
  );
}
