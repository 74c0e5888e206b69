/**
 * The schema, as an ordered list of migrations; `{schema}` stands for the quoted schema name and
 * `{appendLock}` for the key of the append lock. Only ever append to this list.
 */
export const migrations: readonly { readonly description: string; readonly sql: string }[] = [
  {
    description: 'events, streams, snapshots and the append function',
    sql: `
      CREATE TABLE {schema}.events (
        -- Taken under the append lock, which is held until COMMIT: position order is commit order.
        position    bigserial   PRIMARY KEY,
        event_id    text        NOT NULL UNIQUE,
        stream_id   text        NOT NULL,
        version     integer     NOT NULL,
        type        text        NOT NULL,
        data        json,
        metadata    json        NOT NULL,
        recorded_at timestamptz NOT NULL,
        UNIQUE (stream_id, version)
      );
      CREATE TABLE {schema}.streams (
        stream_id text    PRIMARY KEY COLLATE "C",
        version   integer NOT NULL,
        position  bigint  NOT NULL
      );
      CREATE TABLE {schema}.snapshots (
        stream_id text    NOT NULL,
        name      text    NOT NULL,
        version   integer NOT NULL,
        state     json,
        PRIMARY KEY (stream_id, name)
      );

      -- One append (one or more streams), all or nothing. Raises JN001 (concurrency) or JN002 (invalid).
      CREATE FUNCTION {schema}.append_one(append json, recorded timestamptz) RETURNS json
      LANGUAGE plpgsql AS $fn$
      DECLARE
        ids text[];
        stored integer;
        s json;
        current_version integer;
        current_position bigint;
        expected text;
        first_position bigint;
        last_position bigint;
        results json[] := '{}';
        max_position bigint := 0;
      BEGIN
        SELECT coalesce(array_agg(e->>'id'), '{}') INTO ids
          FROM json_array_elements(append) st, json_array_elements(st->'events') e;
        IF cardinality(ids) > 0 THEN
          SELECT count(*) INTO stored FROM {schema}.events WHERE event_id = ANY (ids);
          IF stored > 0 THEN
            -- The same ids again: a replay of an earlier append, answered as that append was.
            IF stored <> cardinality(ids) OR EXISTS (
                 SELECT 1 FROM json_array_elements(append) st, json_array_elements(st->'events') e
                   JOIN {schema}.events ev ON ev.event_id = e->>'id'
                  WHERE ev.stream_id <> st->>'streamId') THEN
              RAISE EXCEPTION 'some of these event ids were appended before, but not this same append'
                USING ERRCODE = 'JN002';
            END IF;
            FOR s IN SELECT * FROM json_array_elements(append) LOOP
              SELECT ev.version, ev.position INTO current_version, current_position
                FROM json_array_elements(s->'events') e
                JOIN {schema}.events ev ON ev.event_id = e->>'id'
               ORDER BY ev.version DESC LIMIT 1;
              IF NOT FOUND THEN
                SELECT st.version, st.position INTO current_version, current_position
                  FROM {schema}.streams st WHERE st.stream_id = s->>'streamId';
              END IF;
              results := results || json_build_object('streamId', s->>'streamId',
                'version', coalesce(current_version, 0), 'position', coalesce(current_position, 0)::text,
                'firstPosition', null);
              max_position := greatest(max_position, coalesce(current_position, 0));
            END LOOP;
            RETURN json_build_object('replay', true, 'streams', array_to_json(results),
                                     'position', max_position::text);
          END IF;
        END IF;

        FOR s IN SELECT * FROM json_array_elements(append) LOOP
          SELECT st.version, st.position INTO current_version, current_position
            FROM {schema}.streams st WHERE st.stream_id = s->>'streamId';
          current_version := coalesce(current_version, 0);
          current_position := coalesce(current_position, 0);
          expected := s->>'expected';
          IF NOT (expected = 'any'
                  OR (expected = 'no_stream' AND current_version = 0)
                  OR (expected = 'exists' AND current_version > 0)
                  OR expected = current_version::text) THEN
            RAISE EXCEPTION 'stream % is at version %, expected %', s->>'streamId', current_version, expected
              USING ERRCODE = 'JN001',
                    DETAIL = json_build_object('streamId', s->>'streamId', 'expected', expected,
                                               'actual', current_version)::text;
          END IF;
          first_position := NULL;
          IF json_array_length(s->'events') > 0 THEN
            WITH inserted AS (
              INSERT INTO {schema}.events (event_id, stream_id, version, type, data, metadata, recorded_at)
              SELECT e->>'id', s->>'streamId', current_version + n::integer, e->>'type',
                     (e->>'data')::json, (e->>'metadata')::json, recorded
                FROM json_array_elements(s->'events') WITH ORDINALITY AS x(e, n)
               ORDER BY n
              RETURNING position)
            SELECT min(position), max(position) INTO first_position, current_position FROM inserted;
            current_version := current_version + json_array_length(s->'events');
            INSERT INTO {schema}.streams (stream_id, version, position)
            VALUES (s->>'streamId', current_version, current_position)
            ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, position = excluded.position;
          END IF;
          results := results || json_build_object('streamId', s->>'streamId', 'version', current_version,
            'position', current_position::text, 'firstPosition', first_position::text);
          max_position := greatest(max_position, current_position);
        END LOOP;
        RETURN json_build_object('replay', false, 'streams', array_to_json(results),
                                 'position', max_position::text);
      END
      $fn$;

      -- A batch of appends in one transaction (group commit): each in its own subtransaction, so each
      -- succeeds or fails on its own. The lock serializes batches until COMMIT, so positions are handed
      -- out in commit order and a reader of position > checkpoint can never skip an event.
      CREATE FUNCTION {schema}.append_batch(batch json, delay_ms double precision DEFAULT 0) RETURNS json
      LANGUAGE plpgsql AS $fn$
      DECLARE
        a json;
        results json[] := '{}';
        recorded timestamptz := clock_timestamp();
        max_position bigint := 0;
        message text;
        detail text;
        r json;
      BEGIN
        -- Test hook: hold the transaction open before it takes the lock.
        IF delay_ms > 0 THEN PERFORM pg_sleep(delay_ms / 1000.0); END IF;
        PERFORM pg_advisory_xact_lock({appendLock});
        recorded := clock_timestamp();
        FOR a IN SELECT * FROM json_array_elements(batch) LOOP
          BEGIN
            r := {schema}.append_one(a, recorded);
            IF NOT (r->>'replay')::boolean THEN
              max_position := greatest(max_position, (r->>'position')::bigint);
            END IF;
            results := results || json_build_object('ok', true, 'result', r);
          EXCEPTION
            WHEN SQLSTATE 'JN001' OR SQLSTATE 'JN002' THEN
              GET STACKED DIAGNOSTICS message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
              results := results || json_build_object('ok', false,
                'code', CASE SQLSTATE WHEN 'JN001' THEN 'concurrency' ELSE 'validation' END,
                'message', message, 'detail', nullif(detail, ''));
          END;
        END LOOP;
        IF max_position > 0 THEN
          PERFORM pg_notify({channel}, max_position::text);
        END IF;
        RETURN json_build_object('recordedAt',
          to_char(recorded AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'results', array_to_json(results));
      END
      $fn$;
    `,
  },
  {
    description: 'append functions plan each statement for its own arguments',
    // A cached generic plan of the replay check (event_id = ANY (ids)) turned into a scan of the whole
    // events table after a few calls: appends of 1,000 events went from 30 ms to 330 ms.
    sql: `
      ALTER FUNCTION {schema}.append_one(json, timestamptz) SET plan_cache_mode = force_custom_plan;
      ALTER FUNCTION {schema}.append_batch(json, double precision) SET plan_cache_mode = force_custom_plan;
    `,
  },
  {
    description: 'append_batch plans its statements for their arguments',
    // With a cached generic plan, append_batch made 1,000-event appends about ten times slower once the
    // log held a few thousand events (measured: 30 ms, then 400-550 ms from the sixth call on). Planning
    // its few statements per batch costs little; append_one keeps its cached plans.
    sql: `
      ALTER FUNCTION {schema}.append_batch(json, double precision) SET plan_cache_mode = force_custom_plan;
    `,
  },
];

/** The schema version this code writes. */
export const schemaVersion = migrations.length;
