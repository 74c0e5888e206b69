/**
 * The schema of the events' side (events, streams, snapshots, idempotency keys, the key secret, and the
 * functions that append): a baseline, then the migrations after it. `{schema}` stands for the quoted
 * schema name, `{appendLock}` for the key of the append lock and `{channel}` for the NOTIFY channel.
 *
 * Before 1.0 the schema grew by a chain of eight migrations (schema versions 1-8); they were squashed into
 * this baseline, version 9, which creates what the chain left behind without the functions it no longer
 * called. A schema at a chain version is upgraded to the baseline when a store opens it (see
 * `preReleaseUpgrade`). From here on, only ever append to `migrations`; never edit a released entry.
 */
export interface Migration {
  readonly description: string;
  readonly sql: string;
}

/** The last version of the pre-1.0 chain: a schema at 1 to this is upgraded to the baseline. */
export const lastPreReleaseVersion = 8;

/**
 * Brings a schema of the pre-1.0 chain to where the baseline can complete it: the column version 7 added
 * (when its table exists), and none of the chain's functions. The tables the chain had not yet created, the
 * baseline creates (IF NOT EXISTS). The chain's appends stop working: processes still running code from
 * before 1.0 must be stopped before a new one opens the schema.
 */
export const preReleaseUpgrade: Migration = {
  description: 'a schema of the pre-1.0 chain (versions 1-8), ready for the baseline',
  sql: `
    ALTER TABLE IF EXISTS {schema}.idempotency_keys ADD COLUMN IF NOT EXISTS read_versions text;
    DROP FUNCTION IF EXISTS {schema}.append_one(json, timestamptz);
    DROP FUNCTION IF EXISTS {schema}.append_batch(json, double precision);
    DROP FUNCTION IF EXISTS {schema}.append_one(jsonb, timestamptz);
    DROP FUNCTION IF EXISTS {schema}.expected_version_holds(text, integer);
    DROP FUNCTION IF EXISTS {schema}.append_batch(integer[], text[], text[], integer[], integer[], text[],
      text[], text[], text[], double precision);
    DROP FUNCTION IF EXISTS {schema}.append_batch(integer[], text[], text[], integer[], integer[], text[],
      text[], text[], text[], integer[], text[], text[], text[], text[], text[], timestamptz[], double precision);
    DROP FUNCTION IF EXISTS {schema}.append_batch(integer[], text[], text[], integer[], integer[], text[],
      text[], text[], text[], integer[], text[], text[], text[], text[], text[], timestamptz[], text[],
      double precision);
  `,
};

/**
 * Version 9. Tables are created IF NOT EXISTS so that the same SQL completes a schema of the pre-1.0 chain
 * (after `preReleaseUpgrade`); their columns are in the order the chain gave them, so that both end alike.
 */
export const baseline: Migration & { readonly version: number } = {
  version: lastPreReleaseVersion + 1,
  description: 'events, streams, snapshots, idempotency keys, the key secret and the append functions',
  sql: `
      CREATE TABLE IF NOT EXISTS {schema}.events (
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
      CREATE TABLE IF NOT EXISTS {schema}.streams (
        stream_id text    PRIMARY KEY COLLATE "C",
        version   integer NOT NULL,
        position  bigint  NOT NULL
      );
      CREATE TABLE IF NOT EXISTS {schema}.snapshots (
        stream_id text    NOT NULL,
        name      text    NOT NULL,
        version   integer NOT NULL,
        state     json,
        PRIMARY KEY (stream_id, name)
      );

      -- Key records live apart from the global log, written in the transaction of the append they belong
      -- to, under the append lock (answer-only saves take it too), so a check-then-insert never races.
      CREATE TABLE IF NOT EXISTS {schema}.idempotency_keys (
        scope          text        NOT NULL,
        key            text        NOT NULL,
        fingerprint    text        NOT NULL,
        message_id     text        NOT NULL,
        -- As the command carried it: its rebuild runs with exactly this timestamp.
        issued_at      text        NOT NULL,
        expires_at     timestamptz NOT NULL,
        first_position bigint,
        answer         text,
        -- JSON { streamId: version }: a rebuild of a lost answer reads each stream at the version the
        -- command decided on. NULL on records written without (their rebuild reads before first_position).
        read_versions  text,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX IF NOT EXISTS idempotency_keys_by_expiry ON {schema}.idempotency_keys (expires_at);

      -- One row at most: the secret key fingerprints are made with (KeySecretStore; the first one kept wins).
      CREATE TABLE IF NOT EXISTS {schema}.key_secret (
        id     integer PRIMARY KEY CHECK (id = 1),
        secret text NOT NULL
      );

      CREATE FUNCTION {schema}.expected_version_holds(expected text, current_version integer) RETURNS boolean
      LANGUAGE sql IMMUTABLE AS $fn$
        SELECT expected = 'any' OR (expected = 'no_stream' AND current_version = 0)
            OR (expected = 'exists' AND current_version > 0) OR expected = current_version::text
      $fn$;

      -- One append, one or more streams, all or nothing: a replay of stored event ids is answered as the
      -- first append was. Raises JN001 (concurrency) or JN002 (invalid). append_batch sends it the appends
      -- that cannot go with the others.
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

      -- A batch of appends (group commit), one result per append: each succeeds or fails on its own. It
      -- comes as flat arrays, one entry per stream of each append in batch order (s_job: the append,
      -- 1-based, it belongs to; s_from: the index of its first event in the e_ arrays; s_count: its event
      -- count) and one per event; then one entry per append with an idempotency key (k_job: the append;
      -- k_read: JSON, the stream versions its command read). The appends that share no stream, event id or
      -- key with another one of the batch and replay nothing are checked and written together, a few
      -- statements for the whole batch; the others one by one, each in a subtransaction (append_one). An
      -- append whose key a live record holds fails with code 'idempotency' and writes nothing. The lock
      -- serializes batches until COMMIT, so positions are handed out in commit order and a reader of
      -- position > checkpoint can never skip an event.
      CREATE FUNCTION {schema}.append_batch(
        s_job integer[], s_stream text[], s_expected text[], s_from integer[], s_count integer[],
        e_id text[], e_type text[], e_data text[], e_meta text[],
        k_job integer[], k_scope text[], k_key text[], k_fingerprint text[], k_message text[],
        k_issued text[], k_expires timestamptz[], k_read text[])
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
                 (scope, key, fingerprint, message_id, issued_at, expires_at, first_position, read_versions)
          SELECT k_scope[i], k_key[i], k_fingerprint[i], k_message[i], k_issued[i], k_expires[i],
                 (SELECT min(s_first[m]) FROM generate_subscripts(s_job, 1) m WHERE s_job[m] = k_job[i]),
                 k_read[i]
            FROM generate_subscripts(k_job, 1) i
           WHERE k_job[i] = ANY (writing)
          ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint,
             message_id = excluded.message_id, issued_at = excluded.issued_at,
             expires_at = excluded.expires_at, first_position = excluded.first_position, answer = NULL,
             read_versions = excluded.read_versions;
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
                       (scope, key, fingerprint, message_id, issued_at, expires_at, first_position,
                        read_versions)
                VALUES (k_scope[ki], k_key[ki], k_fingerprint[ki], k_message[ki], k_issued[ki], k_expires[ki],
                        (SELECT min((st->>'firstPosition')::bigint) FROM jsonb_array_elements(r->'streams') st),
                        k_read[ki])
                ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint,
                   message_id = excluded.message_id, issued_at = excluded.issued_at,
                   expires_at = excluded.expires_at, first_position = excluded.first_position, answer = NULL,
                   read_versions = excluded.read_versions;
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
};

/** The migrations after the baseline: the first brings version 10. */
export const migrations: readonly Migration[] = [];

/** The schema version this code writes. */
export const schemaVersion = baseline.version + migrations.length;
