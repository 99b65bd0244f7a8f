/**
 * The ids the OpenAPI examples show, one realistic id per kind of record, so that every example in
 * the document names the same patient, medication, session... A client trying the examples in
 * `/docs` replaces each with the id an earlier answer gave; test/e2e/openapi-examples.spec.ts does
 * the same wherever the id occurs (path, query, body, inside a stream name).
 */
export const EXAMPLE_ID = {
  patient: '5b0e6f3c-2d7a-4c1e-9a8b-3f4d5e6a7b8c',
  medication: 'a1c2e3f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  session: 'c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
  goal: 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70',
  sideEffect: 'e9f0a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b',
  consultation: 'f2a3b4c5-d6e7-4f80-9a1b-2c3d4e5f6a7b',
  /** An event id: the entry a correction amends, or a pending dose adjustment. */
  event: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
  adjustment: '6e7f8091-a2b3-4c4d-9e5f-60718293a4b5',
  /** A FHIR bulk export (its Content-Location names it). */
  exportJob: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  /** A care-team member who can leave the team: a care manager. */
  careManager: 'cm-maria',
} as const;
