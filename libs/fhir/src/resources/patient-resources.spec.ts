import type {
  AdverseEvent,
  Appointment,
  CarePlan,
  CareTeam,
  Communication,
  MedicationAdministration,
  MedicationRequest,
  Observation,
  Patient,
  Provenance,
  QuestionnaireResponse,
  Resource,
} from '@medplum/fhirtypes';
import type { DomainEvent } from '@caretrail/domain';
import { sampleEvents } from '@caretrail/domain/testing';
import { fhirProblems } from '../testing/validate';
import { courseOfCare, PATIENT, sourceEvents } from '../testing/patient-log';
import { servedTypes } from '../search/resource-types';
import { PatientResources } from './patient-resources';

const folded = (): PatientResources => PatientResources.of(PATIENT, sourceEvents(courseOfCare));
const one = <R extends Resource>(resources: PatientResources, type: R['resourceType'], index = 0): R =>
  resources.current(type)[index] as R;

describe('the FHIR view of a patient folded from their log', () => {
  it('validates every resource of every served type against the R4 StructureDefinitions', () => {
    const resources = folded();
    const types = new Set(resources.all().map((r) => r.resourceType));
    expect([...types].sort()).toEqual(
      Object.keys(servedTypes)
        .filter((t) => t !== 'AuditEvent')
        .sort(),
    );
    for (const resource of resources.all())
      expect([resource.resourceType, fhirProblems(resource)]).toEqual([resource.resourceType, []]);
    for (const type of types)
      for (const resource of resources.current(type))
        for (const version of resources.history(type, resource.id!)!)
          expect(fhirProblems(version.resource)).toEqual([]);
  });

  it('makes one version per event that changed a resource, each recorded when its event was', () => {
    const resources = folded();
    const plan = one<CarePlan>(resources, 'CarePlan');
    const versions = resources.history('CarePlan', plan.id!)!;
    // Started, therapy, goal set, prescription activity, goal achieved, modality changed, closed.
    expect(versions.map((v) => v.resource.meta?.versionId)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(versions.map((v) => v.position)).toEqual([102, 104, 105, 106, 119, 123, 124]);
    expect(plan.status).toBe('completed');
    expect(plan.id).toBe(`${PATIENT}.102`);
    expect(versions[0]!.resource).toMatchObject({
      status: 'active',
      meta: { lastUpdated: '2026-01-06T10:00:00.000Z' },
    });
  });

  it('links an adjustment to the prescription it replaces and shows discontinuation as status', () => {
    const resources = folded();
    const [prescription, adjustment] = resources.current('MedicationRequest') as MedicationRequest[];
    expect(adjustment!.priorPrescription).toEqual({ reference: `MedicationRequest/${prescription!.id}` });
    expect(prescription!.status).toBe('stopped');
    expect(adjustment!.status).toBe('stopped');
    expect(adjustment!.statusReason?.coding?.[0]?.code).toBe('side-effects');
    expect(prescription!.medicationCodeableConcept?.coding).toEqual([
      { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '36437' },
    ]);
  });

  it('records a missed dose as not-done with its reason, effective when it happened and updated when recorded', () => {
    const missed = folded().current('MedicationAdministration')[1] as MedicationAdministration;
    expect(missed.status).toBe('not-done');
    expect(missed.statusReason?.[0]).toMatchObject({ coding: [{ code: 'other' }], text: 'At a funeral.' });
    expect(missed.effectiveDateTime).toBe('2026-03-02T08:00:00Z');
    expect(missed.meta?.lastUpdated).toBe('2026-03-02T09:00:00.000Z');
  });

  it('names the request whose regimen applied to a dose, not one effective later', () => {
    const s = sampleEvents;
    const dose = (scheduledFor: string): DomainEvent => ({
      ...s.DoseTaken,
      data: { ...s.DoseTaken.data, scheduledFor, occurredAt: scheduledFor },
    });
    const events: DomainEvent[] = [
      s.PatientEnrolled,
      s.CarePlanStarted,
      s.MedicationPrescribed,
      {
        ...s.DoseAdjusted,
        data: { ...s.DoseAdjusted.data, supersedes: 'evt-3', effectiveFrom: '2026-03-20T00:00:00Z' },
      },
      dose('2026-03-10T08:00:00Z'),
      dose('2026-03-21T08:00:00Z'),
    ];
    const resources = PatientResources.of(PATIENT, sourceEvents(events));
    const [before, after] = resources.current('MedicationAdministration') as MedicationAdministration[];
    expect(before!.request?.reference).toBe(`MedicationRequest/${PATIENT}.103`);
    expect(after!.request?.reference).toBe(`MedicationRequest/${PATIENT}.104`);
  });

  it('marks what an entry entered in error created, and replays a corrected entry', () => {
    const resources = folded();
    const taken = resources.current('MedicationAdministration')[0] as MedicationAdministration;
    expect(taken.status).toBe('entered-in-error');
    expect(resources.history('MedicationAdministration', taken.id!)).toHaveLength(2);
    const patient = one<Patient>(resources, 'Patient');
    expect(patient.name?.[0]?.family).toBe('King');
    expect(patient.meta?.versionId).toBe('2');
    expect(resources.history('Patient', PATIENT)![0]!.resource).toMatchObject({ name: [{ family: 'Lovelace' }] });
  });

  it('codes PHQ-9 and GAD-7 totals and items with LOINC', () => {
    const resources = folded();
    const [phq9, gad7] = resources.current('Observation') as Observation[];
    expect(phq9!.code.coding?.[0]?.code).toBe('44261-6');
    expect(phq9!.valueInteger).toBe(10);
    expect(gad7!.code.coding?.[0]?.code).toBe('70274-6');
    const [answers] = resources.current('QuestionnaireResponse') as QuestionnaireResponse[];
    expect(answers!.questionnaire).toBe('http://loinc.org/q/44249-1');
    expect(answers!.item?.map((i) => i.linkId).slice(0, 2)).toEqual(['44250-9', '44255-8']);
    expect(answers!.item?.[1]?.answer?.[0]?.valueCoding?.code).toBe('LA6570-1');
  });

  it('maps a side effect to an AdverseEvent with its severity, suspect and FIBSER scores', () => {
    const resources = folded();
    const event = one<AdverseEvent>(resources, 'AdverseEvent');
    expect(event.severity?.coding?.[0]?.code).toBe('moderate');
    expect(event.outcome?.coding?.[0]?.code).toBe('resolved');
    expect(event.suspectEntity?.[0]?.instance.reference).toBe('#suspect');
    expect(event.contained?.[0]).toMatchObject({ resourceType: 'Medication', code: { text: 'Sertraline' } });
    const fibser = resources.current('Observation')[2] as Observation;
    expect(fibser.component?.map((c) => c.valueInteger)).toEqual([4, 3, 2]);
  });

  it('maps sessions, consultations and the care team', () => {
    const resources = folded();
    expect(one<Appointment>(resources, 'Appointment').status).toBe('fulfilled');
    const [request, answer] = resources.current('Communication') as Communication[];
    expect(answer!.inResponseTo).toEqual([{ reference: `Communication/${request!.id}` }]);
    expect(request!.priority).toBe('urgent');
    expect(one<CareTeam>(resources, 'CareTeam').participant?.[0]?.member?.identifier?.value).toBe('u-prescriber');
  });

  it('names who, when and why of every event in a Provenance targeting the versions it made', () => {
    const resources = folded();
    const provenances = resources.current('Provenance') as Provenance[];
    expect(provenances).toHaveLength(courseOfCare.length);
    const ofAdjustment = provenances[6]!;
    expect(ofAdjustment.target.map((t) => t.reference)).toEqual([
      `MedicationRequest/${PATIENT}.106/_history/2`,
      `MedicationRequest/${PATIENT}.107/_history/1`,
    ]);
    expect(ofAdjustment.activity?.coding?.[0]?.code).toBe('DoseAdjusted');
    expect(ofAdjustment.agent[0]?.who?.identifier?.value).toBe('u-therapist');
  });
});
