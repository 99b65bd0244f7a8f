#!/usr/bin/env node
// `npm run demo [-- --url http://127.0.0.1:3000]`: plays the README's "Try it: a week of care"
// against a running API (`npm start` in another terminal), with the README's own bodies, ids passed
// from step to step, then prints the four views and the registry. Tokens are signed the way the
// README signs them: the command line's `token` command, with the local key in DATA_DIR/auth.
// Exits non-zero, saying why, when the API does not answer or a step is refused.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const urlFlag = process.argv.indexOf('--url');
const baseUrl = (urlFlag > 0 ? process.argv[urlFlag + 1] : undefined) ?? 'http://127.0.0.1:3000';

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

/** The README's steps: every `POST <path>` of the section with the JSON bodies that follow it. */
function readmeSteps() {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it: a week of care'), readme.indexOf('Every write answers'));
  const steps = [];
  const post = /`POST (\/patients[^`]*)` with\s*/g;
  for (let match = post.exec(section); match; match = post.exec(section)) {
    let rest = section.slice(post.lastIndex).replace(/^\s+/, '');
    for (;;) {
      const found = /^```json\n([\s\S]*?)```/.exec(rest) ?? /^`(\{[^`]*\})`/.exec(rest);
      if (!found) break;
      steps.push({ path: match[1], body: JSON.parse(found[1].replace(/\n\s*/g, '')) });
      rest = rest.slice(found[0].length);
      const and = /^\s*(\([^)]*\)\s*)?and\s+/.exec(rest);
      if (!and) break;
      rest = rest.slice(and[0].length);
    }
  }
  return steps;
}

const tokens = new Map();
/** `npm run -s cli -- token --user <user> --role <role>`, as the README says. */
function tokenFor(user, role) {
  const key = `${user} ${role}`;
  if (!tokens.has(key)) {
    const result = spawnSync(
      process.execPath,
      [`${root}infra/scripts/cli.mjs`, 'token', '--user', user, '--role', role],
      {
        encoding: 'utf8',
      },
    );
    if (result.status !== 0) fail(`signing a token for ${key} failed:\n${result.stderr}`);
    tokens.set(key, result.stdout.trim().split('\n').pop());
  }
  return tokens.get(key);
}

/** Who the README says sends each step. */
function senderOf(path, patientId) {
  if (path.includes('/medications')) return ['dr-priya', 'prescriber'];
  if (/\/(doses|side-effects|outcomes)/.test(path)) return [patientId, 'patient'];
  return ['dr-theo', 'therapist'];
}

/**
 * One request. A POST carries an Idempotency-Key, so the one retry after a dropped connection (an
 * idle keep-alive socket the server closed while a token was being signed) never writes twice.
 */
async function call(method, path, token, body) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  if (body) Object.assign(headers, { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() });
  let response;
  for (let attempt = 1; !response; attempt++) {
    try {
      response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      if (attempt < 2 && error.cause?.code === 'UND_ERR_SOCKET') continue;
      fail(`no API answers at ${baseUrl} (${error.cause?.code ?? error.message}): start it with \`npm start\` first`);
    }
  }
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

await call('GET', '/health');
const ids = {};
// The clinicians' tokens first: signing one takes a moment, and the API should not wait on it.
tokenFor('dr-theo', 'therapist');
tokenFor('dr-priya', 'prescriber');
console.log(`A week of care against ${baseUrl} (README, "Try it")\n`);
for (const step of readmeSteps()) {
  const path = step.path.replace('{id}', ids.patientId ?? '');
  const body = JSON.parse(JSON.stringify(step.body).replace('<medicationId>', ids.medicationId ?? ''));
  const [user, role] = senderOf(step.path, ids.patientId);
  const answer = await call('POST', path, tokenFor(user, role), body);
  const id = answer.body?.id;
  console.log(`POST ${path} as ${user} (${role}) -> ${answer.status}${id ? ` id ${id}` : ''}`);
  if (answer.status !== 201) fail(`the step was refused:\n${JSON.stringify(answer.body, null, 2)}`);
  ids.position = answer.body.position;
  if (step.path === '/patients') ids.patientId = id;
  if (step.path.endsWith('/medications')) ids.medicationId = id;
}

// The views answer once the read models hold the week: wait for the last write's position.
const therapist = tokenFor('dr-theo', 'therapist');
for (const view of ['plan', 'adherence', 'collaboration', 'outcomes']) {
  const path = `/patients/${ids.patientId}/${view}`;
  const answer = await call('GET', `${path}?minPosition=${ids.position}`, therapist);
  console.log(`\nGET ${path} -> ${answer.status}`);
  if (answer.status !== 200) fail(`the ${view} view was refused:\n${JSON.stringify(answer.body, null, 2)}`);
  console.log(JSON.stringify(answer.body, null, 2));
}
const registry = await call('GET', `/registry?minPosition=${ids.position}`, therapist);
console.log(`\nGET /registry -> ${registry.status}`);
if (registry.status !== 200) fail(`the registry was refused:\n${JSON.stringify(registry.body, null, 2)}`);
console.log(JSON.stringify(registry.body, null, 2));
console.log(`\nDone: patient ${ids.patientId}, medication ${ids.medicationId}.`);
