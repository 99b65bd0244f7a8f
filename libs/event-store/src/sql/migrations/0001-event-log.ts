/**
 * The event log: valid on PostgreSQL 15 (the production server) and on
 * PGlite's PostgreSQL 18. `s` is the quoted schema name.
 */
export function eventLog(s: string): string {
  return `
CREATE TABLE ${s}.streams (
  stream_id text PRIMARY KEY,
  version   bigint NOT NULL CHECK (version > 0)
);

CREATE TABLE ${s}.events (
  position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The writing transaction: readers order by (transaction_id, position)
  -- and only read transactions older than every one still running, so an
  -- event committed late is never skipped.
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL,
  stream_version  bigint NOT NULL CHECK (stream_version > 0),
  event_id        uuid NOT NULL,
  event_type      text NOT NULL CHECK (length(event_type) BETWEEN 1 AND 200),
  schema_version  integer NOT NULL CHECK (schema_version > 0),
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL,
  -- Millisecond precision: the instants round-trip exactly through JSON and JavaScript.
  recorded_at     timestamptz(3) NOT NULL DEFAULT now(),
  occurred_at     timestamptz(3),
  -- Tamper evidence: each event's hash covers its content and its
  -- predecessor's hash in the stream (set by the events_chain trigger).
  previous_hash   bytea,
  hash            bytea NOT NULL,
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version),
  CONSTRAINT events_event_id_unique UNIQUE (event_id)
);

CREATE INDEX events_global_order ON ${s}.events (transaction_id, position);

CREATE TABLE ${s}.idempotency_keys (
  idempotency_key text PRIMARY KEY,
  stream_id       text NOT NULL,
  result          jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

/*
 * The canonical content of an event, hashed with its predecessor's hash.
 * jsonb's text form is canonical (keys ordered, whitespace normalised) and
 * instants are written in UTC, so the same row always gives the same bytes.
 */
CREATE FUNCTION ${s}.event_hash(
  p_previous bytea, p_position bigint, p_transaction_id xid8, p_stream_id text, p_stream_version bigint,
  p_event_id uuid, p_event_type text, p_schema_version integer, p_data jsonb, p_metadata jsonb,
  p_recorded_at timestamptz, p_occurred_at timestamptz
) RETURNS bytea
LANGUAGE sql STABLE AS $$
  SELECT sha256(convert_to(concat_ws(E'\x1f',
    encode(coalesce(p_previous, ''::bytea), 'hex'), p_position::text, p_transaction_id::text, p_stream_id,
    p_stream_version::text, p_event_id::text, p_event_type, p_schema_version::text, p_data::text, p_metadata::text,
    to_char(p_recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'),
    coalesce(to_char(p_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'), '')), 'UTF8'))
$$;

CREATE FUNCTION ${s}.chain_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT e.hash INTO NEW.previous_hash FROM ${s}.events e
  WHERE e.stream_id = NEW.stream_id AND e.stream_version = NEW.stream_version - 1;
  NEW.hash := ${s}.event_hash(NEW.previous_hash, NEW.position, NEW.transaction_id, NEW.stream_id, NEW.stream_version,
    NEW.event_id, NEW.event_type, NEW.schema_version, NEW.data, NEW.metadata, NEW.recorded_at, NEW.occurred_at);
  RETURN NEW;
END
$$;

CREATE TRIGGER events_chain BEFORE INSERT ON ${s}.events
  FOR EACH ROW EXECUTE FUNCTION ${s}.chain_event();

-- History is never changed in place; corrections are new events.
-- Shared by every append-only table (events, access_log).
CREATE FUNCTION ${s}.reject_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'CT003';
END
$$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ${s}.events
  FOR EACH ROW EXECUTE FUNCTION ${s}.reject_event_change();
-- TRUNCATE bypasses row triggers.
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${s}.events
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.reject_event_change();

/*
 * Appends events to one stream in one statement (one round trip):
 * idempotency, the expected-version check and the insert all happen in the
 * caller's transaction. The version check is a conditional write on the
 * streams row, so concurrent writers queue on its row lock and every one but
 * the first finds the version moved: no read-then-write race.
 * p_expected: 'exact' (with p_version, 0 meaning no stream), 'no-stream',
 * 'stream-exists' or 'any'.
 */
CREATE FUNCTION ${s}.append_events(
  p_stream_id       text,
  p_expected        text,
  p_version         bigint,
  p_event_ids       uuid[],
  p_types           text[],
  p_schema_versions integer[],
  p_data            jsonb[],
  p_metadata        jsonb[],
  p_occurred_at     timestamptz[],
  p_idempotency_key text
) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  n          integer := coalesce(cardinality(p_event_ids), 0);
  prev       bigint;
  actual     bigint;
  first_use  ${s}.idempotency_keys%ROWTYPE;
  appended   jsonb;
BEGIN
  IF n = 0 THEN
    RAISE EXCEPTION 'an append needs at least one event' USING ERRCODE = '22023';
  END IF;

  IF p_idempotency_key IS NOT NULL THEN
    INSERT INTO ${s}.idempotency_keys (idempotency_key, stream_id, result)
    VALUES (p_idempotency_key, p_stream_id, '{}')
    ON CONFLICT (idempotency_key) DO NOTHING;
    IF NOT FOUND THEN
      SELECT * INTO first_use FROM ${s}.idempotency_keys WHERE idempotency_key = p_idempotency_key;
      IF first_use.stream_id <> p_stream_id THEN
        RAISE EXCEPTION 'idempotency key reused for another stream'
          USING ERRCODE = 'CT002', DETAIL = first_use.stream_id;
      END IF;
      RETURN first_use.result || jsonb_build_object('replayed', true);
    END IF;
  END IF;

  IF p_expected = 'no-stream' OR (p_expected = 'exact' AND p_version = 0) THEN
    INSERT INTO ${s}.streams (stream_id, version) VALUES (p_stream_id, n)
    ON CONFLICT (stream_id) DO NOTHING;
    IF FOUND THEN prev := 0; END IF;
  ELSIF p_expected = 'exact' THEN
    UPDATE ${s}.streams SET version = version + n
    WHERE stream_id = p_stream_id AND version = p_version;
    IF FOUND THEN prev := p_version; END IF;
  ELSIF p_expected = 'stream-exists' THEN
    UPDATE ${s}.streams SET version = version + n
    WHERE stream_id = p_stream_id
    RETURNING version - n INTO prev;
  ELSIF p_expected = 'any' THEN
    INSERT INTO ${s}.streams AS st (stream_id, version) VALUES (p_stream_id, n)
    ON CONFLICT (stream_id) DO UPDATE SET version = st.version + n
    RETURNING st.version - n INTO prev;
  ELSE
    RAISE EXCEPTION 'unknown expected version kind %', p_expected USING ERRCODE = '22023';
  END IF;

  IF prev IS NULL THEN
    SELECT version INTO actual FROM ${s}.streams WHERE stream_id = p_stream_id;
    RAISE EXCEPTION 'wrong expected version for stream %', p_stream_id
      USING ERRCODE = 'CT001', DETAIL = coalesce(actual, 0)::text;
  END IF;

  WITH inserted AS (
    INSERT INTO ${s}.events
      (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at)
    SELECT p_stream_id, prev + e.ord, e.event_id, e.event_type, e.schema_version, e.data, e.metadata, e.occurred_at
    FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_occurred_at)
      WITH ORDINALITY AS e(event_id, event_type, schema_version, data, metadata, occurred_at, ord)
    ORDER BY e.ord
    RETURNING position, stream_version, event_id
  )
  SELECT jsonb_build_object(
    'streamId', p_stream_id,
    'nextExpectedVersion', prev + n,
    'positions', jsonb_agg(position ORDER BY stream_version),
    'eventIds', jsonb_agg(event_id ORDER BY stream_version),
    'transactionId', pg_current_xact_id()::text,
    'replayed', false)
  INTO appended FROM inserted;

  IF p_idempotency_key IS NOT NULL THEN
    UPDATE ${s}.idempotency_keys SET result = appended
    WHERE idempotency_key = p_idempotency_key;
  END IF;
  RETURN appended;
END
$$;
`;
}
