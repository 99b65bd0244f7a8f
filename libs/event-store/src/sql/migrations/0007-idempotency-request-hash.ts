/**
 * An idempotency key remembers the request it answered (docs/architecture.md,
 * "Write side"): the writer's hash of it (method, route, body). The same key
 * with another request is refused instead of being answered with the first
 * request's result. `append_events_checked` wraps `append_events` (0001):
 * after it returned, a first use records the hash and a replay compares it.
 * Keys stored before this migration have no hash and replay as before.
 */
export function idempotencyRequestHash(s: string): string {
  return `
ALTER TABLE ${s}.idempotency_keys ADD COLUMN request_hash text;

CREATE FUNCTION ${s}.append_events_checked(
  p_stream_id       text,
  p_expected        text,
  p_version         bigint,
  p_event_ids       uuid[],
  p_types           text[],
  p_schema_versions integer[],
  p_data            jsonb[],
  p_metadata        jsonb[],
  p_occurred_at     timestamptz[],
  p_idempotency_key text,
  p_request_hash    text
) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  appended     jsonb;
  first_hash   text;
BEGIN
  appended := ${s}.append_events(p_stream_id, p_expected, p_version, p_event_ids, p_types, p_schema_versions,
    p_data, p_metadata, p_occurred_at, p_idempotency_key);
  IF p_idempotency_key IS NULL OR p_request_hash IS NULL THEN
    RETURN appended;
  END IF;
  IF NOT (appended->>'replayed')::boolean THEN
    UPDATE ${s}.idempotency_keys SET request_hash = p_request_hash WHERE idempotency_key = p_idempotency_key;
    RETURN appended;
  END IF;
  SELECT request_hash INTO first_hash FROM ${s}.idempotency_keys WHERE idempotency_key = p_idempotency_key;
  IF first_hash IS NOT NULL AND first_hash <> p_request_hash THEN
    RAISE EXCEPTION 'idempotency key reused for another request'
      USING ERRCODE = 'CT002', DETAIL = p_stream_id;
  END IF;
  RETURN appended;
END
$$;
`;
}
