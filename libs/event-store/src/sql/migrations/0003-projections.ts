/**
 * The registry of read models: which generation (table) serves queries,
 * which one is being rebuilt, and what the runners last reported. Rows of a
 * read model live in tables named after their generation, created by the
 * projection host (blue/green rebuilds need new tables at run time).
 */
export function projections(s: string): string {
  return `
CREATE TABLE ${s}.projections (
  name                text PRIMARY KEY,
  version             integer NOT NULL,
  active_generation   integer NOT NULL,
  building_generation integer,
  building_version    integer,
  paused              boolean NOT NULL DEFAULT false,
  state               text NOT NULL DEFAULT 'starting',
  last_error          text,
  last_error_event_id uuid,
  last_error_at       timestamptz,
  events_per_second   integer NOT NULL DEFAULT 0,
  reported_at         timestamptz NOT NULL DEFAULT now()
);

-- Events a read model could not apply, set aside under the "park" policy.
CREATE TABLE ${s}.parked_events (
  projection  text NOT NULL,
  generation  integer NOT NULL,
  event_id    uuid NOT NULL,
  position    bigint NOT NULL,
  error       text NOT NULL,
  parked_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, generation, event_id)
);
`;
}
