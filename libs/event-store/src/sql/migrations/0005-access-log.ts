/**
 * The access log: one row per touch of patient data (reads included), who,
 * what, when, how it ended. Append-only like the events, and chained: each
 * row's hash covers its content and the previous row's hash, so a row edited
 * or removed behind the application's back breaks the chain
 * (`verifyAccessChain` in @caretrail/access-log walks it).
 */
export function accessLog(s: string): string {
  return `
CREATE TABLE ${s}.access_log (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The API server's clock when the record was written.
  recorded_at    timestamptz(3) NOT NULL,
  -- Null only for a caller without a valid token (a 401).
  user_id        text,
  role           text,
  -- Null when the request names no single patient (a caseload, an audit query).
  patient_id     text,
  category       text NOT NULL CHECK (length(category) BETWEEN 1 AND 100),
  action         text NOT NULL CHECK (action IN ('create', 'read', 'query', 'export', 'erase', 'control')),
  outcome        text NOT NULL CHECK (outcome IN ('allowed', 'denied')),
  status         integer NOT NULL CHECK (status BETWEEN 100 AND 599),
  method         text NOT NULL,
  route          text NOT NULL,
  client_address text,
  correlation_id text NOT NULL,
  -- What else identifies the access: patients a list returned, filters of an audit query.
  detail         jsonb NOT NULL DEFAULT '{}',
  -- sha256(previous_hash || canonical JSON of the row's content), hex; the first row's
  -- previous_hash is 64 zeros.
  previous_hash  text NOT NULL CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
  hash           text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  CONSTRAINT access_log_previous_hash_unique UNIQUE (previous_hash)
);

CREATE INDEX access_log_patient ON ${s}.access_log (patient_id, id) WHERE patient_id IS NOT NULL;
CREATE INDEX access_log_user ON ${s}.access_log (user_id, id);
CREATE INDEX access_log_recorded_at ON ${s}.access_log (recorded_at);

CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON ${s}.access_log
  FOR EACH ROW EXECUTE FUNCTION ${s}.reject_event_change();
-- TRUNCATE bypasses row triggers.
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON ${s}.access_log
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.reject_event_change();

/*
 * Appends records to the single global chain, in array order, in one round
 * trip: the caller batches the records of concurrent requests, so one lock
 * and one commit serve them all. The transaction-level advisory lock
 * serialises writers from reading the last hash to committing, so two
 * records never claim the same predecessor (the UNIQUE constraint on
 * previous_hash is the last line of defence). Each statement of a volatile
 * function takes a fresh snapshot, so the SELECT after the lock sees the
 * previous holder's committed row. p_contents[i] is the canonical JSON of
 * record i, built by the caller from the other arguments (the verifier
 * rebuilds it from the stored columns).
 */
CREATE FUNCTION ${s}.append_access_records(
  p_contents        text[],
  p_recorded_at     timestamptz[],
  p_user_ids        text[],
  p_roles           text[],
  p_patient_ids     text[],
  p_categories      text[],
  p_actions         text[],
  p_outcomes        text[],
  p_statuses        integer[],
  p_methods         text[],
  p_routes          text[],
  p_client_addresses text[],
  p_correlation_ids text[],
  p_details         jsonb[]
) RETURNS TABLE (id bigint, previous_hash text, hash text)
LANGUAGE plpgsql AS $$
DECLARE
  prev   text;
  next   text;
  new_id bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('caretrail-access-log:' || '${s}'));
  SELECT a.hash INTO prev FROM ${s}.access_log a ORDER BY a.id DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  FOR i IN 1 .. coalesce(cardinality(p_contents), 0) LOOP
    next := encode(sha256(convert_to(prev || p_contents[i], 'UTF8')), 'hex');
    INSERT INTO ${s}.access_log AS a
      (recorded_at, user_id, role, patient_id, category, action, outcome, status, method, route,
       client_address, correlation_id, detail, previous_hash, hash)
    VALUES
      (p_recorded_at[i], p_user_ids[i], p_roles[i], p_patient_ids[i], p_categories[i], p_actions[i], p_outcomes[i],
       p_statuses[i], p_methods[i], p_routes[i], p_client_addresses[i], p_correlation_ids[i], p_details[i], prev, next)
    RETURNING a.id INTO new_id;
    id := new_id;
    previous_hash := prev;
    hash := next;
    RETURN NEXT;
    prev := next;
  END LOOP;
END
$$;
`;
}
