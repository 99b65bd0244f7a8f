import {
  adherenceModel,
  collaborationModel,
  currentPlanModel,
  registryModel,
  type AdherenceDoc,
  type CollaborationDoc,
  type CurrentPlanDoc,
  type ProjectedEvent,
  type ReadModel,
  type RegistryDoc,
} from '@caretrail/read-models';

/** What the report knows of one patient: the read models' docs, folded from the log. */
export interface PatientDocs {
  plan?: CurrentPlanDoc;
  adherence?: AdherenceDoc;
  registry?: RegistryDoc;
  collaboration?: CollaborationDoc;
}

type Slot = keyof PatientDocs;

const DOSES: ReadonlySet<string> = new Set(['DoseTaken', 'DoseTakenLate', 'DoseMissed']);
const DAY_MS = 86_400_000;
/** Days of doses around the judged window kept anyway: zones, and doses reported against the day before. */
const MARGIN_DAYS = 2;

export interface HistoriesOptions {
  /**
   * The report's period. Folding daily doses is most of the cost of the whole fold (the adherence
   * model copies its recent-dose index on every dose), and the report judges adherence only over
   * the first 84 days of an episode started in the period: with a period, doses outside those
   * days (plus a margin) are not folded. Without one, every dose is.
   */
  period?: { from: string; to: string };
  /** Days of the judged window from the episode's start (the report's 84). */
  windowDays?: number;
}
const MODELS: ReadonlyArray<readonly [Slot, ReadModel<unknown>]> = [
  ['plan', currentPlanModel],
  ['adherence', adherenceModel],
  ['registry', registryModel],
  ['collaboration', collaborationModel],
];

/**
 * Every patient's read-model docs, built from the log in the global order through the same pure
 * `evolve` functions as the projections: corrections, late doses and voided entries count the way
 * they count everywhere else. Personal text never leaves these docs: the report reads only ids,
 * codes, scores, drug names and dates from them.
 */
export class PatientHistories {
  private readonly patients = new Map<string, PatientDocs>();
  private count = 0;
  private earliest = Number.POSITIVE_INFINITY;
  private latest = Number.NEGATIVE_INFINITY;
  private readonly from: number | null;
  private readonly until: number | null;
  private readonly windowMs: number;

  constructor(options: HistoriesOptions = {}) {
    this.from = options.period ? Date.parse(`${options.period.from}T00:00:00Z`) : null;
    this.until = options.period ? Date.parse(`${options.period.to}T00:00:00Z`) + DAY_MS : null;
    this.windowMs = (options.windowDays ?? 84) * DAY_MS;
  }

  add(e: ProjectedEvent): void {
    this.count++;
    for (const instant of [e.meta.recordedAt, e.meta.occurredAt]) {
      const t = instant === null ? Number.NaN : Date.parse(instant);
      if (t < this.earliest) this.earliest = t;
      if (t > this.latest) this.latest = t;
    }
    if (this.from !== null && DOSES.has(e.event.type) && !this.judged(e)) return;
    for (const [slot, model] of MODELS) {
      for (const key of model.keysOf(e)) {
        let docs = this.patients.get(key);
        if (!docs) {
          docs = {};
          this.patients.set(key, docs);
        }
        (docs as Record<Slot, unknown>)[slot] = model.evolve(docs[slot], e);
      }
    }
  }

  /** Whether a dose falls in (or near) the adherence window of the patient's episode started in the period. */
  private judged(e: ProjectedEvent): boolean {
    const registry = this.patients.get(e.event.data.patientId)?.registry;
    const occurred = Date.parse((e.event.data as { occurredAt: string }).occurredAt);
    const { from, until } = this;
    if (!registry || Number.isNaN(occurred) || from === null || until === null) return true;
    const episode = registry.episodes.find(
      (p) => !p.voided && Date.parse(p.startedAt) >= from && Date.parse(p.startedAt) < until,
    );
    // No episode in the period yet: it may still start, but then after this dose's slot, so the dose is outside its window.
    if (!episode) return false;
    const start = Date.parse(episode.startedAt);
    return occurred >= start - MARGIN_DAYS * DAY_MS && occurred < start + this.windowMs + MARGIN_DAYS * DAY_MS;
  }

  addAll(events: Iterable<ProjectedEvent>): this {
    for (const e of events) this.add(e);
    return this;
  }

  /** UTC dates of the earliest and latest instant (recorded or occurred) of the events seen; null before any. */
  span(): { first: string; last: string } | null {
    if (this.count === 0 || !Number.isFinite(this.earliest)) return null;
    const date = (t: number): string => new Date(t).toISOString().slice(0, 10);
    return { first: date(this.earliest), last: date(this.latest) };
  }

  /** Events seen (all of them, whether a model kept them or not). */
  get events(): number {
    return this.count;
  }

  /** Patients by id, in id order. */
  entries(): Array<[string, PatientDocs]> {
    return [...this.patients.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
