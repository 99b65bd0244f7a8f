import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import type { StoredEvent } from '@caretrail/event-store';
import type { ActorRole } from '@caretrail/domain';
import { PersonalData } from '../privacy/personal-data';
import { eventCount, type TestApi } from './test-api';

/** A user of the test API: their id and the Authorization header value to send. */
export interface TestUser {
  userId: string;
  auth: string;
}

export interface TestPatient {
  patientId: string;
  /** The given name, to check a response does not reveal it. */
  givenName: string;
  /** Enrolled the patient, so founded the care team. */
  therapist: TestUser;
  prescriber: TestUser;
  /** The patient's own app account: userId === patientId. */
  patient: TestUser;
}

export async function testUser(api: TestApi, role: ActorRole, userId = `${role}-${randomUUID()}`): Promise<TestUser> {
  return { userId, auth: await api.bearer(userId, role) };
}

/**
 * A patient set up through the API the way a clinic does it: a therapist enrols (and so
 * founds the care team), assigns the prescriber the patient chose, starts the plan
 * (unless `track` is null). Every call makes new users, so patients never share a team.
 */
export async function enrolTestPatient(
  api: TestApi,
  { track = 'integrated', withPrescriber = true }: { track?: string | null; withPrescriber?: boolean } = {},
): Promise<TestPatient> {
  const therapist = await testUser(api, 'therapist');
  const prescriber = await testUser(api, 'prescriber');
  const givenName = `Ada${randomUUID().slice(0, 8)}`;
  const enrolled = await api.http
    .post('/patients')
    .set('Authorization', therapist.auth)
    .send({ name: { given: givenName, family: 'Lovelace' } })
    .expect(201);
  const patientId = String(enrolled.body.id);
  if (withPrescriber) {
    await api.http
      .post(`/patients/${patientId}/care-team`)
      .set('Authorization', therapist.auth)
      .send({ userId: prescriber.userId, role: 'prescriber', chosenByPatient: true })
      .expect(201);
  }
  if (track !== null) {
    await api.http
      .post(`/patients/${patientId}/care-plan`)
      .set('Authorization', therapist.auth)
      .send({ track })
      .expect(201);
  }
  return { patientId, givenName, therapist, prescriber, patient: await testUser(api, 'patient', patientId) };
}

/** A daily Sertraline 50 mg prescribed by the patient's prescriber from `startsAt`: its medication id. */
export async function prescribeTestMedication(
  api: TestApi,
  patient: TestPatient,
  startsAt: string,
  times?: string[],
): Promise<string> {
  const daily = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const prescribed = await api.http
    .post(`/patients/${patient.patientId}/medications`)
    .set('Authorization', patient.prescriber.auth)
    .send({
      drug: { name: 'Sertraline' },
      strength: { value: 50, unit: 'mg' },
      schedule: { timesPerDay: 1, daysOfWeek: daily, ...(times ? { times } : {}) },
      startsAt,
    })
    .expect(201);
  return String(prescribed.body.id);
}

/**
 * The last event of a stream, as the application reads it: stored, with its
 * personal data opened (it is stored sealed, docs/erasure.md).
 */
export async function lastEvent(api: TestApi, streamId: string): Promise<StoredEvent> {
  const events = await api.store.readStream(streamId);
  const last = events[events.length - 1];
  if (!last) throw new Error(`stream ${streamId} is empty`);
  return (await api.app.get(PersonalData).open([last]))[0]!;
}

/** Sends a request that must be refused, and checks that nothing reached the event store. */
export async function withoutWrites(api: TestApi, send: () => PromiseLike<Response>): Promise<Response> {
  const before = await eventCount(api.store);
  const response = await send();
  expect(await eventCount(api.store)).toBe(before);
  return response;
}

/** An RFC 9457 answer with this status and, when given, this machine-readable code. */
export function expectProblem(response: Response, status: number, code?: string): void {
  expect({ status: response.status, body: response.body as unknown }).toMatchObject({
    status,
    body: { status, ...(code === undefined ? {} : { code }) },
  });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
}

/** 400 naming the field and the broken rule. */
export function expectInvalid(response: Response, field: string, rule: string): void {
  expectProblem(response, 400, 'VALIDATION_FAILED');
  expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
}

/**
 * 403 with the one generic body every denial carries: no domain code, nothing about the
 * patient (not their name, not who is on their team).
 */
export function expectForbidden(response: Response, patient: TestPatient): void {
  expectProblem(response, 403, 'FORBIDDEN');
  // A refused command adds its rule, which names no patient and no team member.
  expect(response.body.detail).toMatch(/^You are not permitted to do this for this patient\.( Only .+\.)?$/);
  const text = JSON.stringify(response.body);
  for (const secret of [patient.givenName, patient.therapist.userId, patient.prescriber.userId])
    expect(text).not.toContain(secret);
}

/** Instants relative to the real clock: the API stamps `now` itself. */
export const minutesFromNow = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();
export const daysAgo = (days: number): string => minutesFromNow(-days * 24 * 60);
