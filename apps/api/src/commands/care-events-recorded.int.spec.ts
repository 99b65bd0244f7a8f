import { EventBus } from '@nestjs/cqrs';
import { useTestApi } from '../testing/harness';
import { CareEventsRecorded } from './care-events-recorded';

describe('CareEventsRecorded on the in-process EventBus', () => {
  const t = useTestApi();

  it('is published once per recorded command, with ids and positions and without personal data', async () => {
    const seen: CareEventsRecorded[] = [];
    const subscription = t.api.app.get(EventBus).subscribe((event) => {
      if (event instanceof CareEventsRecorded) seen.push(event);
    });
    try {
      const goal = (key: string) =>
        t.api.http
          .post(`/patients/${t.p.patientId}/goals`)
          .set('Authorization', t.p.therapist.auth)
          .set('Idempotency-Key', key)
          .send({ description: `Walk daily with ${t.p.givenName}` });
      const first = await goal('goal-bus');
      expect(first.status).toBe(201);
      const repeat = await goal('goal-bus');
      expect(repeat.status).toBe(201);

      expect(seen).toHaveLength(2);
      expect(seen[0]).toMatchObject({
        commandType: 'SetTreatmentGoal',
        streamId: first.body.streamId,
        version: first.body.version,
        position: String(first.body.position),
        eventTypes: ['TreatmentGoalSet'],
        replayed: false,
        actorRole: 'therapist',
      });
      // The repeat decided nothing: it is the first answer again.
      expect(seen[1]).toMatchObject({ version: first.body.version, eventTypes: [], replayed: true });
      expect(JSON.stringify(seen)).not.toContain(t.p.givenName);
    } finally {
      subscription.unsubscribe();
    }
  });
});
