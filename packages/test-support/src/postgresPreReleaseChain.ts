// The schema of @janus/postgres before 1.0, as the chain of eight migrations it grew by (schema versions
// 1-8). The package now creates the squashed baseline (version 9) instead; this chain is kept here, for
// tests only, to build schemas as earlier code left them and check that opening one upgrades it to exactly
// the baseline. `{schema}`, `{appendLock}` and `{channel}` are placeholders, as in the package's own SQL.
export const preReleaseMigrations: readonly { readonly description: string; readonly sql: string }[] = [
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
  {
    description: 'append_batch takes arrays and writes a batch of appends in a few set-based statements',
    // The slow 1,000-event appends of migrations 2 and 3 came from append_one: with a generic plan its
    // `s->>'streamId'` (s: the whole append as json text) was evaluated, and so re-parsed, once per
    // inserted row. The new append_batch takes the batch as arrays and append_one reads its append as
    // jsonb, where every lookup is cheap. The json functions stay for processes still running the code
    // before this migration; they take the same lock.
    sql: `
      -- One append, one or more streams, all or nothing, as append_one(json) did: a replay of stored
      -- event ids is answered as the first append was. Raises JN001 (concurrency) or JN002 (invalid).
      CREATE FUNCTION {schema}.append_one(append jsonb, recorded timestamptz) RETURNS jsonb
      LANGUAGE plpgsql AS $fn$
      DECLARE
        ids text[];
        stored integer;
        s jsonb;
        stream text;
        current_version integer;
        current_position bigint;
        expected text;
        first_position bigint;
        results jsonb[] := '{}';
        max_position bigint := 0;
      BEGIN
        SELECT coalesce(array_agg(e->>'id'), '{}') INTO ids
          FROM jsonb_array_elements(append) st, jsonb_array_elements(st->'events') e;
        SELECT count(*) INTO stored FROM {schema}.events WHERE event_id = ANY (ids);
        IF stored > 0 THEN
          IF stored <> cardinality(ids) OR EXISTS (
               SELECT 1 FROM jsonb_array_elements(append) st, jsonb_array_elements(st->'events') e,
                      LATERAL (SELECT stream_id FROM {schema}.events WHERE event_id = e->>'id' LIMIT 1) ev
                WHERE ev.stream_id <> st->>'streamId') THEN
            RAISE EXCEPTION 'some of these event ids were appended before, but not this same append'
              USING ERRCODE = 'JN002';
          END IF;
          FOR s IN SELECT * FROM jsonb_array_elements(append) LOOP
            stream := s->>'streamId';
            SELECT ev.version, ev.position INTO current_version, current_position
              FROM jsonb_array_elements(s->'events') e,
                   LATERAL (SELECT version, position FROM {schema}.events WHERE event_id = e->>'id' LIMIT 1) ev
             ORDER BY ev.version DESC LIMIT 1;
            IF NOT FOUND THEN
              SELECT st.version, st.position INTO current_version, current_position
                FROM {schema}.streams st WHERE st.stream_id = stream;
            END IF;
            results := results || jsonb_build_object('streamId', stream,
              'version', coalesce(current_version, 0), 'position', coalesce(current_position, 0)::text,
              'firstPosition', null);
            max_position := greatest(max_position, coalesce(current_position, 0));
          END LOOP;
          RETURN jsonb_build_object('replay', true, 'streams', to_jsonb(results),
                                    'position', max_position::text);
        END IF;

        FOR s IN SELECT * FROM jsonb_array_elements(append) LOOP
          stream := s->>'streamId';
          SELECT st.version, st.position INTO current_version, current_position
            FROM {schema}.streams st WHERE st.stream_id = stream;
          current_version := coalesce(current_version, 0);
          current_position := coalesce(current_position, 0);
          expected := s->>'expected';
          IF NOT {schema}.expected_version_holds(expected, current_version) THEN
            RAISE EXCEPTION 'stream % is at version %, expected %', stream, current_version, expected
              USING ERRCODE = 'JN001',
                    DETAIL = json_build_object('streamId', stream, 'expected', expected,
                                               'actual', current_version)::text;
          END IF;
          first_position := NULL;
          IF jsonb_array_length(s->'events') > 0 THEN
            WITH inserted AS (
              INSERT INTO {schema}.events (event_id, stream_id, version, type, data, metadata, recorded_at)
              SELECT e->>'id', stream, current_version + n::integer, e->>'type',
                     (e->>'data')::json, (e->>'metadata')::json, recorded
                FROM jsonb_array_elements(s->'events') WITH ORDINALITY AS x(e, n)
               ORDER BY n
              RETURNING position)
            SELECT min(position), max(position) INTO first_position, current_position FROM inserted;
            current_version := current_version + jsonb_array_length(s->'events');
            INSERT INTO {schema}.streams (stream_id, version, position)
            VALUES (stream, current_version, current_position)
            ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, position = excluded.position;
          END IF;
          results := results || jsonb_build_object('streamId', stream, 'version', current_version,
            'position', current_position::text, 'firstPosition', first_position::text);
          max_position := greatest(max_position, current_position);
        END LOOP;
        RETURN jsonb_build_object('replay', false, 'streams', to_jsonb(results),
                                  'position', max_position::text);
      END
      $fn$;

      CREATE FUNCTION {schema}.expected_version_holds(expected text, current_version integer) RETURNS boolean
      LANGUAGE sql IMMUTABLE AS $fn$
        SELECT expected = 'any' OR (expected = 'no_stream' AND current_version = 0)
            OR (expected = 'exists' AND current_version > 0) OR expected = current_version::text
      $fn$;

      -- A batch of appends (group commit), one result per append: each succeeds or fails on its own. It
      -- comes as flat arrays, one entry per stream of each append in batch order (s_job: the append,
      -- 1-based, it belongs to; s_from: the index of its first event in the e_ arrays; s_count: its event
      -- count) and one per event. The appends that share no stream and no event id with another one of
      -- the batch and replay nothing are checked and written together, a few statements for the whole
      -- batch; the others one by one, each in a subtransaction (append_one). The lock serializes
      -- batches until COMMIT, so positions are handed out in commit order and a reader of
      -- position > checkpoint can never skip an event.
      CREATE FUNCTION {schema}.append_batch(
        s_job integer[], s_stream text[], s_expected text[], s_from integer[], s_count integer[],
        e_id text[], e_type text[], e_data text[], e_meta text[], delay_ms double precision DEFAULT 0)
      RETURNS jsonb
      LANGUAGE plpgsql
      -- Plans are cached per connection and must not depend on the table sizes when they were made: one
      -- generic plan per statement (no planning per call), with index lookups only, never a scan of
      -- events or streams (a scan planned while a table was small stays in the cache as it grows). A
      -- generic plan guesses hundreds of rows per array; JIT compiling for that guess took 150 ms a call.
      SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET jit = off
      AS $fn$
      DECLARE
        jobs integer := coalesce(s_job[cardinality(s_job)], 0);
        recorded timestamptz;
        -- Per stream: its version and position before the batch, its first and last new position.
        s_version integer[];
        s_position bigint[];
        s_first bigint[];
        s_last bigint[];
        -- Appends that go one by one: they share a stream or an event id, or replay stored events.
        alone integer[] := '{}';
        -- Appends written together: not alone, and the expected version of each of their streams holds.
        writing integer[];
        results jsonb[];
        done integer[];
        done_results jsonb[];
        max_position bigint := 0;
        message text;
        detail text;
        r jsonb;
        j integer;
      BEGIN
        -- Test hook: hold the transaction open before it takes the lock.
        IF delay_ms > 0 THEN PERFORM pg_sleep(delay_ms / 1000.0); END IF;
        IF jobs > 1 THEN
          SELECT coalesce(array_agg(DISTINCT job), '{}') INTO alone
            FROM (SELECT job, count(*) OVER (PARTITION BY stream) AS uses
                    FROM unnest(s_job, s_stream) t(job, stream)
                  UNION ALL
                  SELECT s_job[i], count(*) OVER (PARTITION BY e_id[k])
                    FROM generate_subscripts(s_job, 1) i, generate_series(s_from[i], s_from[i] + s_count[i] - 1) k) x
           WHERE uses > 1;
        END IF;

        PERFORM pg_advisory_xact_lock({appendLock});
        recorded := clock_timestamp();

        SELECT alone || coalesce(array_agg(DISTINCT s_job[i]), '{}') INTO alone
          FROM generate_subscripts(s_job, 1) i, generate_series(s_from[i], s_from[i] + s_count[i] - 1) k
         WHERE (SELECT true FROM {schema}.events ev WHERE ev.event_id = e_id[k]);
        SELECT array_agg(coalesce(st.version, 0) ORDER BY t.i), array_agg(coalesce(st.position, 0) ORDER BY t.i)
          INTO s_version, s_position
          FROM unnest(s_stream) WITH ORDINALITY t(stream, i)
          LEFT JOIN LATERAL (SELECT version, position FROM {schema}.streams
                              WHERE stream_id = t.stream LIMIT 1) st ON true;
        SELECT coalesce(array_agg(job), '{}') INTO writing
          FROM (SELECT s_job[i] AS job FROM generate_subscripts(s_job, 1) i
                 WHERE s_job[i] <> ALL (alone)
                 GROUP BY s_job[i]
                HAVING bool_and({schema}.expected_version_holds(s_expected[i], s_version[i]))) x;

        IF cardinality(writing) > 0 THEN
          WITH inserted AS (
            INSERT INTO {schema}.events (event_id, stream_id, version, type, data, metadata, recorded_at)
            SELECT e_id[k], s_stream[i], s_version[i] + k - s_from[i] + 1, e_type[k], e_data[k]::json,
                   e_meta[k]::json, recorded
              FROM generate_subscripts(s_job, 1) i, generate_series(s_from[i], s_from[i] + s_count[i] - 1) k
             WHERE s_job[i] = ANY (writing)
             ORDER BY k
            RETURNING stream_id, version, position),
          written AS (
            SELECT stream_id, max(version) AS version, min(position) AS first, max(position) AS last
              FROM inserted GROUP BY stream_id),
          streams AS (
            INSERT INTO {schema}.streams (stream_id, version, position)
            SELECT stream_id, version, last FROM written
            ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, position = excluded.position)
          SELECT array_agg(w.first ORDER BY t.i), array_agg(w.last ORDER BY t.i), coalesce(max(w.last), 0)
            INTO s_first, s_last, max_position
            FROM unnest(s_stream) WITH ORDINALITY t(stream, i)
            LEFT JOIN written w ON w.stream_id = t.stream AND s_job[t.i] = ANY (writing);
        END IF;

        -- The result of every append that did not go alone: written, or refused at its first stream
        -- whose expected version does not hold.
        SELECT coalesce(array_agg(job), '{}'), array_agg(result) INTO done, done_results
          FROM (SELECT s_job[i] AS job,
                       CASE WHEN s_job[i] = ANY (writing) THEN
                         jsonb_build_object('ok', true, 'result', jsonb_build_object('replay', false,
                           'streams', jsonb_agg(jsonb_build_object('streamId', s_stream[i],
                              'version', s_version[i] + s_count[i],
                              'position', coalesce(s_last[i], s_position[i])::text,
                              'firstPosition', s_first[i]::text) ORDER BY i),
                           'position', max(coalesce(s_last[i], s_position[i]))::text))
                       ELSE (array_agg(jsonb_build_object('ok', false, 'code', 'concurrency',
                           'message', format('stream %s is at version %s, expected %s',
                                             s_stream[i], s_version[i], s_expected[i]),
                           'detail', json_build_object('streamId', s_stream[i], 'expected', s_expected[i],
                                                       'actual', s_version[i])::text) ORDER BY i)
                           FILTER (WHERE NOT {schema}.expected_version_holds(s_expected[i], s_version[i])))[1]
                       END AS result
                  FROM generate_subscripts(s_job, 1) i
                 WHERE s_job[i] <> ALL (alone)
                 GROUP BY s_job[i]) x;
        results := array_fill(NULL::jsonb, ARRAY[jobs]);
        FOR k IN 1..cardinality(done) LOOP
          results[done[k]] := done_results[k];
        END LOOP;

        FOR j IN SELECT DISTINCT a FROM unnest(alone) a ORDER BY a LOOP
          BEGIN
            r := {schema}.append_one((
                   SELECT jsonb_agg(jsonb_build_object('streamId', s_stream[i], 'expected', s_expected[i],
                     'events', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', e_id[k], 'type', e_type[k],
                                  'data', e_data[k], 'metadata', e_meta[k]) ORDER BY k), '[]')
                                  FROM generate_series(s_from[i], s_from[i] + s_count[i] - 1) k)) ORDER BY i)
                     FROM generate_subscripts(s_job, 1) i WHERE s_job[i] = j), recorded);
            IF NOT (r->>'replay')::boolean THEN
              max_position := greatest(max_position, (r->>'position')::bigint);
            END IF;
            results[j] := jsonb_build_object('ok', true, 'result', r);
          EXCEPTION
            WHEN SQLSTATE 'JN001' OR SQLSTATE 'JN002' THEN
              GET STACKED DIAGNOSTICS message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
              results[j] := jsonb_build_object('ok', false,
                'code', CASE SQLSTATE WHEN 'JN001' THEN 'concurrency' ELSE 'validation' END,
                'message', message, 'detail', nullif(detail, ''));
          END;
        END LOOP;

        IF max_position > 0 THEN
          PERFORM pg_notify({channel}, max_position::text);
        END IF;
        RETURN jsonb_build_object('recordedAt',
          to_char(recorded AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'results', to_jsonb(results));
      END
      $fn$;
    `,
  },
  {
    description: 'idempotency keys apart from the global log; append_batch writes them with their appends',
    // Key records live in their own table, written in the transaction of the append they belong to,
    // under the append lock (answer-only saves take it too), so a check-then-insert never races. The
    // append_batch of migration 4 stays for processes still running the code before this migration.
    sql: `
      CREATE TABLE {schema}.idempotency_keys (
        scope          text        NOT NULL,
        key            text        NOT NULL,
        fingerprint    text        NOT NULL,
        message_id     text        NOT NULL,
        -- As the command carried it: its rebuild runs with exactly this timestamp.
        issued_at      text        NOT NULL,
        expires_at     timestamptz NOT NULL,
        first_position bigint,
        answer         text,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_keys_by_expiry ON {schema}.idempotency_keys (expires_at);

      -- As migration 4's, plus the idempotency key records of the batch's appends, one entry per append
      -- that has one (k_job: the append, 1-based). An append whose key a live record holds fails with
      -- code 'idempotency' and writes nothing.
      CREATE FUNCTION {schema}.append_batch(
        s_job integer[], s_stream text[], s_expected text[], s_from integer[], s_count integer[],
        e_id text[], e_type text[], e_data text[], e_meta text[],
        k_job integer[], k_scope text[], k_key text[], k_fingerprint text[], k_message text[],
        k_issued text[], k_expires timestamptz[], delay_ms double precision DEFAULT 0)
      RETURNS jsonb
      LANGUAGE plpgsql
      -- Plans are cached per connection and must not depend on the table sizes when they were made: one
      -- generic plan per statement (no planning per call), with index lookups only, never a scan of
      -- events or streams (a scan planned while a table was small stays in the cache as it grows). A
      -- generic plan guesses hundreds of rows per array; JIT compiling for that guess took 150 ms a call.
      SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET jit = off
      AS $fn$
      DECLARE
        jobs integer := coalesce(s_job[cardinality(s_job)], 0);
        recorded timestamptz;
        -- Per stream: its version and position before the batch, its first and last new position.
        s_version integer[];
        s_position bigint[];
        s_first bigint[];
        s_last bigint[];
        -- Appends that go one by one: they share a stream or an event id, or replay stored events.
        alone integer[] := '{}';
        -- Appends written together: not alone, and the expected version of each of their streams holds.
        writing integer[];
        results jsonb[];
        done integer[];
        done_results jsonb[];
        max_position bigint := 0;
        message text;
        detail text;
        r jsonb;
        j integer;
        -- Appends refused because a live record holds their idempotency key.
        key_refused integer[] := '{}';
        ki integer;
      BEGIN
        -- Test hook: hold the transaction open before it takes the lock.
        IF delay_ms > 0 THEN PERFORM pg_sleep(delay_ms / 1000.0); END IF;
        IF jobs > 1 THEN
          SELECT coalesce(array_agg(DISTINCT job), '{}') INTO alone
            FROM (SELECT job, count(*) OVER (PARTITION BY stream) AS uses
                    FROM unnest(s_job, s_stream) t(job, stream)
                  UNION ALL
                  SELECT s_job[i], count(*) OVER (PARTITION BY e_id[k])
                    FROM generate_subscripts(s_job, 1) i, generate_series(s_from[i], s_from[i] + s_count[i] - 1) k) x
           WHERE uses > 1;
        END IF;

        PERFORM pg_advisory_xact_lock({appendLock});
        recorded := clock_timestamp();

        -- Idempotency keys, checked under the lock (every insert of a key record takes it): appends that
        -- share a key go one by one, so the first to commit takes it; a key a live record holds refuses
        -- its append.
        IF cardinality(k_job) > 0 THEN
          SELECT alone || coalesce(array_agg(DISTINCT job), '{}') INTO alone
            FROM (SELECT k_job[i] AS job, count(*) OVER (PARTITION BY k_scope[i], k_key[i]) AS uses
                    FROM generate_subscripts(k_job, 1) i) x
           WHERE uses > 1;
          SELECT coalesce(array_agg(k_job[i]), '{}') INTO key_refused
            FROM generate_subscripts(k_job, 1) i
           WHERE k_job[i] <> ALL (alone)
             AND (SELECT true FROM {schema}.idempotency_keys ik
                   WHERE ik.scope = k_scope[i] AND ik.key = k_key[i] AND ik.expires_at > recorded);
        END IF;

        SELECT alone || coalesce(array_agg(DISTINCT s_job[i]), '{}') INTO alone
          FROM generate_subscripts(s_job, 1) i, generate_series(s_from[i], s_from[i] + s_count[i] - 1) k
         WHERE (SELECT true FROM {schema}.events ev WHERE ev.event_id = e_id[k]);
        SELECT array_agg(coalesce(st.version, 0) ORDER BY t.i), array_agg(coalesce(st.position, 0) ORDER BY t.i)
          INTO s_version, s_position
          FROM unnest(s_stream) WITH ORDINALITY t(stream, i)
          LEFT JOIN LATERAL (SELECT version, position FROM {schema}.streams
                              WHERE stream_id = t.stream LIMIT 1) st ON true;
        SELECT coalesce(array_agg(job), '{}') INTO writing
          FROM (SELECT s_job[i] AS job FROM generate_subscripts(s_job, 1) i
                 WHERE s_job[i] <> ALL (alone) AND s_job[i] <> ALL (key_refused)
                 GROUP BY s_job[i]
                HAVING bool_and({schema}.expected_version_holds(s_expected[i], s_version[i]))) x;

        IF cardinality(writing) > 0 THEN
          WITH inserted AS (
            INSERT INTO {schema}.events (event_id, stream_id, version, type, data, metadata, recorded_at)
            SELECT e_id[k], s_stream[i], s_version[i] + k - s_from[i] + 1, e_type[k], e_data[k]::json,
                   e_meta[k]::json, recorded
              FROM generate_subscripts(s_job, 1) i, generate_series(s_from[i], s_from[i] + s_count[i] - 1) k
             WHERE s_job[i] = ANY (writing)
             ORDER BY k
            RETURNING stream_id, version, position),
          written AS (
            SELECT stream_id, max(version) AS version, min(position) AS first, max(position) AS last
              FROM inserted GROUP BY stream_id),
          streams AS (
            INSERT INTO {schema}.streams (stream_id, version, position)
            SELECT stream_id, version, last FROM written
            ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, position = excluded.position)
          SELECT array_agg(w.first ORDER BY t.i), array_agg(w.last ORDER BY t.i), coalesce(max(w.last), 0)
            INTO s_first, s_last, max_position
            FROM unnest(s_stream) WITH ORDINALITY t(stream, i)
            LEFT JOIN written w ON w.stream_id = t.stream AND s_job[t.i] = ANY (writing);
          -- Their key records, in the same transaction; an expired record of the same key is replaced.
          INSERT INTO {schema}.idempotency_keys AS ik
                 (scope, key, fingerprint, message_id, issued_at, expires_at, first_position)
          SELECT k_scope[i], k_key[i], k_fingerprint[i], k_message[i], k_issued[i], k_expires[i],
                 (SELECT min(s_first[m]) FROM generate_subscripts(s_job, 1) m WHERE s_job[m] = k_job[i])
            FROM generate_subscripts(k_job, 1) i
           WHERE k_job[i] = ANY (writing)
          ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint,
             message_id = excluded.message_id, issued_at = excluded.issued_at,
             expires_at = excluded.expires_at, first_position = excluded.first_position, answer = NULL;
        END IF;

        -- The result of every append that did not go alone: written, or refused at its first stream
        -- whose expected version does not hold.
        SELECT coalesce(array_agg(job), '{}'), array_agg(result) INTO done, done_results
          FROM (SELECT s_job[i] AS job,
                       CASE WHEN s_job[i] = ANY (writing) THEN
                         jsonb_build_object('ok', true, 'result', jsonb_build_object('replay', false,
                           'streams', jsonb_agg(jsonb_build_object('streamId', s_stream[i],
                              'version', s_version[i] + s_count[i],
                              'position', coalesce(s_last[i], s_position[i])::text,
                              'firstPosition', s_first[i]::text) ORDER BY i),
                           'position', max(coalesce(s_last[i], s_position[i]))::text))
                       ELSE (array_agg(jsonb_build_object('ok', false, 'code', 'concurrency',
                           'message', format('stream %s is at version %s, expected %s',
                                             s_stream[i], s_version[i], s_expected[i]),
                           'detail', json_build_object('streamId', s_stream[i], 'expected', s_expected[i],
                                                       'actual', s_version[i])::text) ORDER BY i)
                           FILTER (WHERE NOT {schema}.expected_version_holds(s_expected[i], s_version[i])))[1]
                       END AS result
                  FROM generate_subscripts(s_job, 1) i
                 WHERE s_job[i] <> ALL (alone) AND s_job[i] <> ALL (key_refused)
                 GROUP BY s_job[i]) x;
        results := array_fill(NULL::jsonb, ARRAY[jobs]);
        FOR k IN 1..cardinality(done) LOOP
          results[done[k]] := done_results[k];
        END LOOP;
        FOR i IN 1..cardinality(k_job) LOOP
          IF k_job[i] = ANY (key_refused) THEN
            results[k_job[i]] := jsonb_build_object('ok', false, 'code', 'idempotency',
              'message', format('the idempotency key %s of %s is in use', k_key[i], k_scope[i]),
              'detail', json_build_object('scope', k_scope[i], 'key', k_key[i])::text);
          END IF;
        END LOOP;

        FOR j IN SELECT DISTINCT a FROM unnest(alone) a ORDER BY a LOOP
          BEGIN
            ki := array_position(k_job, j);
            IF ki IS NOT NULL AND EXISTS (SELECT 1 FROM {schema}.idempotency_keys ik
                 WHERE ik.scope = k_scope[ki] AND ik.key = k_key[ki] AND ik.expires_at > recorded) THEN
              RAISE EXCEPTION 'the idempotency key % of % is in use', k_key[ki], k_scope[ki]
                USING ERRCODE = 'JN003',
                      DETAIL = json_build_object('scope', k_scope[ki], 'key', k_key[ki])::text;
            END IF;
            r := {schema}.append_one((
                   SELECT jsonb_agg(jsonb_build_object('streamId', s_stream[i], 'expected', s_expected[i],
                     'events', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', e_id[k], 'type', e_type[k],
                                  'data', e_data[k], 'metadata', e_meta[k]) ORDER BY k), '[]')
                                  FROM generate_series(s_from[i], s_from[i] + s_count[i] - 1) k)) ORDER BY i)
                     FROM generate_subscripts(s_job, 1) i WHERE s_job[i] = j), recorded);
            IF NOT (r->>'replay')::boolean THEN
              max_position := greatest(max_position, (r->>'position')::bigint);
              IF ki IS NOT NULL THEN
                INSERT INTO {schema}.idempotency_keys AS ik
                       (scope, key, fingerprint, message_id, issued_at, expires_at, first_position)
                VALUES (k_scope[ki], k_key[ki], k_fingerprint[ki], k_message[ki], k_issued[ki], k_expires[ki],
                        (SELECT min((st->>'firstPosition')::bigint) FROM jsonb_array_elements(r->'streams') st))
                ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint,
                   message_id = excluded.message_id, issued_at = excluded.issued_at,
                   expires_at = excluded.expires_at, first_position = excluded.first_position, answer = NULL;
              END IF;
            END IF;
            results[j] := jsonb_build_object('ok', true, 'result', r);
          EXCEPTION
            WHEN SQLSTATE 'JN001' OR SQLSTATE 'JN002' OR SQLSTATE 'JN003' THEN
              GET STACKED DIAGNOSTICS message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
              results[j] := jsonb_build_object('ok', false,
                'code', CASE SQLSTATE WHEN 'JN001' THEN 'concurrency' WHEN 'JN003' THEN 'idempotency'
                             ELSE 'validation' END,
                'message', message, 'detail', nullif(detail, ''));
          END;
        END LOOP;

        IF max_position > 0 THEN
          PERFORM pg_notify({channel}, max_position::text);
        END IF;
        RETURN jsonb_build_object('recordedAt',
          to_char(recorded AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'results', to_jsonb(results));
      END
      $fn$;
    `,
  },
  {
    description: 'idempotency keys know the stream versions their command read',
    // JSON { streamId: version }: a rebuild of a lost answer reads each stream at the version the command
    // decided on; NULL on records written before. The new append_batch takes them as one more array
    // (k_read, beside the other key columns) and sets them on the records its appends wrote, in the same
    // transaction, still under the append lock: the set-based path of migration 6's append_batch (which
    // stays, for processes still running the code before this migration) does the appends.
    sql: `
      ALTER TABLE {schema}.idempotency_keys ADD COLUMN read_versions text;

      CREATE FUNCTION {schema}.append_batch(
        s_job integer[], s_stream text[], s_expected text[], s_from integer[], s_count integer[],
        e_id text[], e_type text[], e_data text[], e_meta text[],
        k_job integer[], k_scope text[], k_key text[], k_fingerprint text[], k_message text[],
        k_issued text[], k_expires timestamptz[], k_read text[], delay_ms double precision)
      RETURNS jsonb
      LANGUAGE plpgsql
      SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET jit = off
      AS $fn$
      DECLARE
        outcome jsonb := {schema}.append_batch(s_job, s_stream, s_expected, s_from, s_count,
          e_id, e_type, e_data, e_meta, k_job, k_scope, k_key, k_fingerprint, k_message, k_issued,
          k_expires, delay_ms);
      BEGIN
        -- The records this batch wrote: their append succeeded, and each command's message id is its own.
        IF cardinality(k_job) > 0 THEN
          UPDATE {schema}.idempotency_keys ik SET read_versions = k_read[i]
            FROM generate_subscripts(k_job, 1) i
           WHERE ik.scope = k_scope[i] AND ik.key = k_key[i] AND ik.message_id = k_message[i]
             AND ik.answer IS NULL AND ik.read_versions IS NULL AND k_read[i] IS NOT NULL
             AND (outcome->'results'->(k_job[i] - 1)->>'ok')::boolean;
        END IF;
        RETURN outcome;
      END
      $fn$;
    `,
  },
  {
    description: 'the key secret, kept with the events',
    // One row at most: the secret key fingerprints are made with (KeySecretStore; the first one kept wins).
    sql: `
      CREATE TABLE {schema}.key_secret (
        id     integer PRIMARY KEY CHECK (id = 1),
        secret text NOT NULL
      );
    `,
  },
];
