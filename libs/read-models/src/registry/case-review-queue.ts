import type { Instrument } from '@caretrail/domain';
import { adherenceView } from '../adherence/adherence-view';
import type { AdherenceDoc } from '../adherence/adherence-doc';
import { collaborationView } from '../collaboration/collaboration-view';
import type { CollaborationDoc } from '../collaboration/collaboration-doc';
import type { RegistryDoc } from './registry-doc';
import { registryView, type RegistryView } from './registry-view';

const INSTRUMENTS: readonly Instrument[] = ['PHQ-9', 'GAD-7'];

/** The three rows of one patient; a patient without doses or collaboration yet has no row there. */
export type CaseReviewRow = {
  registry: RegistryDoc;
  adherence?: AdherenceDoc | null;
  collaboration?: CollaborationDoc | null;
};

export type CaseReviewReason =
  'not-improving-at-week-8' | 'no-follow-up-within-4-weeks' | 'urgent-side-effect' | 'pdc-below-80';

export type CaseReviewEntry = {
  patientId: string;
  weeksInTreatment: number | null;
  reasons: CaseReviewReason[];
  registry: RegistryView;
  urgentSideEffectIds: string[];
  /** Active medications whose 30- or 90-day PDC is below 80 %. */
  lowPdc: Array<{ medicationId: string; pdc30: number | null; pdc90: number | null }>;
  /** Instruments without a baseline in the episode: shown as "no baseline" instead of response figures. */
  noBaseline: Instrument[];
};

/**
 * docs/clinical-rules.md, "Case-review queue": the queue lists patients with either registry flag, an open urgent
 * side-effect item, or PDC below 80 %, most weeks in treatment first (then by patient id).
 */
export function caseReviewQueue(rows: readonly CaseReviewRow[], asOf: string): CaseReviewEntry[] {
  const entries: CaseReviewEntry[] = [];
  for (const row of rows) {
    const registry = registryView(row.registry, asOf);
    const urgentSideEffectIds = row.collaboration
      ? collaborationView(row.collaboration, asOf).urgentItems.map((s) => s.sideEffectId)
      : [];
    const lowPdc = row.adherence
      ? adherenceView(row.adherence, asOf)
          .medications.filter((m) => m.active && (m.pdc30.adherent === false || m.pdc90.adherent === false))
          .map((m) => ({ medicationId: m.medicationId, pdc30: m.pdc30.pdc, pdc90: m.pdc90.pdc }))
      : [];
    const reasons: CaseReviewReason[] = [];
    if (registry.flags.notImprovingAtWeek8) reasons.push('not-improving-at-week-8');
    if (registry.flags.noFollowUpWithin4Weeks) reasons.push('no-follow-up-within-4-weeks');
    if (urgentSideEffectIds.length > 0) reasons.push('urgent-side-effect');
    if (lowPdc.length > 0) reasons.push('pdc-below-80');
    if (reasons.length > 0) {
      entries.push({
        patientId: row.registry.patientId,
        weeksInTreatment: registry.weeksInTreatment,
        reasons,
        registry,
        urgentSideEffectIds,
        lowPdc,
        noBaseline: [registry.phq9, registry.gad7].flatMap((summary, i) =>
          summary?.baseline ? [] : [INSTRUMENTS[i] as Instrument],
        ),
      });
    }
  }
  return entries.sort(
    (a, b) => (b.weeksInTreatment ?? -1) - (a.weeksInTreatment ?? -1) || a.patientId.localeCompare(b.patientId),
  );
}
