/**
 * The access log in several hash chains instead of one (docs/audit.md,
 * "Tamper evidence of the access log"). Every record names its chain; a
 * writer locks only that chain, so requests about different patients no
 * longer queue behind one lock. The records written before this migration
 * are chain 0 and it simply continues. Each chain starts from 64 zeros and
 * is unique per predecessor; the verifier walks each chain on its own.
 *
 * `append_access_records` (0005) is dropped: it read the newest record of
 * the whole table as its predecessor, which would fork a chain now that
 * several are extended at once. A process of the previous version fails to
 * write its records (and answers 503) instead of corrupting a chain.
 */
export function accessLogChains(s: string): string {
  return `
ALTER TABLE ${s}.access_log ADD COLUMN chain smallint NOT NULL DEFAULT 0 CHECK (chain BETWEEN 0 AND 1023);
ALTER TABLE ${s}.access_log DROP CONSTRAINT access_log_previous_hash_unique;
ALTER TABLE ${s}.access_log ADD CONSTRAINT access_log_chain_previous_hash_unique UNIQUE (chain, previous_hash);
-- The head of a chain: its newest record.
CREATE INDEX access_log_chain ON ${s}.access_log (chain, id);

DROP FUNCTION ${s}.append_access_records(text[], timestamptz[], text[], text[], text[], text[], text[], text[],
  integer[], text[], text[], text[], text[], jsonb[]);

/*
 * Appends records to one chain, in array order, in one round trip. The
 * transaction-level advisory lock of that chain serialises its writers
 * from reading its head to committing (the caller may hold the transaction
 * open for more work, e.g. the events of the same request), so two records
 * never claim the same predecessor; UNIQUE (chain, previous_hash) is the
 * last line of defence. Each statement of a volatile function takes a
 * fresh snapshot, so the head read after the lock sees the previous
 * holder's committed record. Ids grow in commit order within a chain
 * because the lock is held until commit.
 */
CREATE FUNCTION ${s}.append_access_chain(
  p_chain            integer,
  p_contents         text[],
  p_recorded_at      timestamptz[],
  p_user_ids         text[],
  p_roles            text[],
  p_patient_ids      text[],
  p_categories       text[],
  p_actions          text[],
  p_outcomes         text[],
  p_statuses         integer[],
  p_methods          text[],
  p_routes           text[],
  p_client_addresses text[],
  p_correlation_ids  text[],
  p_details          jsonb[]
) RETURNS TABLE (id bigint, previous_hash text, hash text)
LANGUAGE plpgsql AS $$
DECLARE
  prev   text;
  next   text;
  new_id bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('caretrail-access-log:' || '${s}'), p_chain);
  SELECT a.hash INTO prev FROM ${s}.access_log a WHERE a.chain = p_chain ORDER BY a.id DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  FOR i IN 1 .. coalesce(cardinality(p_contents), 0) LOOP
    next := encode(sha256(convert_to(prev || p_contents[i], 'UTF8')), 'hex');
    INSERT INTO ${s}.access_log AS a
      (chain, recorded_at, user_id, role, patient_id, category, action, outcome, status, method, route,
       client_address, correlation_id, detail, previous_hash, hash)
    VALUES
      (p_chain, p_recorded_at[i], p_user_ids[i], p_roles[i], p_patient_ids[i], p_categories[i], p_actions[i],
       p_outcomes[i], p_statuses[i], p_methods[i], p_routes[i], p_client_addresses[i], p_correlation_ids[i],
       p_details[i], prev, next)
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
