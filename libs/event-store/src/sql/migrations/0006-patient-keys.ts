/**
 * Patients' data keys for crypto-shredding (docs/erasure.md): personal data
 * fields of events are encrypted under their patient's key; erasure sets the
 * key to null and stamps `destroyed_at`. Rows are never deleted (a destroyed
 * entry keeps a new key from being made for an erased patient) and a
 * destroyed key never comes back: the triggers below refuse it.
 */
export function patientKeys(s: string): string {
  return `
CREATE TABLE ${s}.patient_keys (
  patient_id   text PRIMARY KEY CHECK (length(patient_id) BETWEEN 1 AND 200),
  key          bytea CHECK (key IS NULL OR octet_length(key) = 32),
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  destroyed_at timestamptz(3),
  CONSTRAINT patient_keys_destroyed CHECK ((key IS NULL) = (destroyed_at IS NOT NULL))
);

CREATE FUNCTION ${s}.guard_patient_key() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
    RAISE EXCEPTION 'patient keys are destroyed, never deleted' USING ERRCODE = 'CT003';
  END IF;
  IF OLD.key IS NULL OR NEW.key IS NOT NULL OR NEW.patient_id <> OLD.patient_id THEN
    RAISE EXCEPTION 'a patient key can only be destroyed, once' USING ERRCODE = 'CT003';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER patient_keys_destroy_only BEFORE UPDATE OR DELETE ON ${s}.patient_keys
  FOR EACH ROW EXECUTE FUNCTION ${s}.guard_patient_key();
CREATE TRIGGER patient_keys_no_truncate BEFORE TRUNCATE ON ${s}.patient_keys
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.guard_patient_key();
`;
}
