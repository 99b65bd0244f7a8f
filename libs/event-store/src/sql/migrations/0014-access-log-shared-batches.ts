/**
 * Group commit across chains (docs/audit.md, "Several chains instead of one global lock"): one
 * call appends the records of any number of chains, so the records of concurrent requests about
 * different patients share one round trip and one commit instead of one each.
 *
 * `append_access_chains` takes the advisory locks of every chain it writes, in ascending chain
 * order, before reading any head. A writer that holds one chain's lock (a write's record inside
 * its events' transaction, `append_access_chain` of 0008) waits for no other chain, and every
 * multi-chain writer locks in the same order, so no two writers wait for each other in a circle.
 * Records keep their array order within a chain; each chain's head is read once, after its lock.
 */
export function accessLogSharedBatches(s: string): string {
  return `
CREATE FUNCTION ${s}.append_access_chains(
  p_chains           integer[],
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
  c      integer;
  heads  jsonb := '{}';
  prev   text;
  next   text;
  new_id bigint;
BEGIN
  IF coalesce(cardinality(p_chains), 0) <> coalesce(cardinality(p_contents), 0) THEN
    RAISE EXCEPTION 'append_access_chains: % chains for % records', cardinality(p_chains), cardinality(p_contents);
  END IF;
  FOR c IN SELECT DISTINCT x FROM unnest(p_chains) AS x ORDER BY x LOOP
    PERFORM pg_advisory_xact_lock(hashtext('caretrail-access-log:' || '${s}'), c);
  END LOOP;
  FOR i IN 1 .. coalesce(cardinality(p_contents), 0) LOOP
    c := p_chains[i];
    prev := heads ->> c::text;
    IF prev IS NULL THEN
      SELECT a.hash INTO prev FROM ${s}.access_log a WHERE a.chain = c ORDER BY a.id DESC LIMIT 1;
      prev := coalesce(prev, repeat('0', 64));
    END IF;
    next := encode(sha256(convert_to(prev || p_contents[i], 'UTF8')), 'hex');
    INSERT INTO ${s}.access_log AS a
      (chain, recorded_at, user_id, role, patient_id, category, action, outcome, status, method, route,
       client_address, correlation_id, detail, previous_hash, hash)
    VALUES
      (c, p_recorded_at[i], p_user_ids[i], p_roles[i], p_patient_ids[i], p_categories[i], p_actions[i],
       p_outcomes[i], p_statuses[i], p_methods[i], p_routes[i], p_client_addresses[i], p_correlation_ids[i],
       p_details[i], prev, next)
    RETURNING a.id INTO new_id;
    heads := jsonb_set(heads, ARRAY[c::text], to_jsonb(next));
    id := new_id;
    previous_hash := prev;
    hash := next;
    RETURN NEXT;
  END LOOP;
END
$$;
`;
}
