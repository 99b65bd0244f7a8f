#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by
// package, and inclusive time of selected functions.
//
//   node infra/scripts/cpu-profile-top.mjs <file.cpuprofile> [--top 30] [--skip-ms N] [--include name,name]
//
// --skip-ms N  leaves out the first N ms of the profile (start-up, setup)
//
// Self time of a function is the time the sampled stack had it on top.
// Inclusive time counts a sample once for every distinct function on its stack.
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const file = argv.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: cpu-profile-top.mjs <file.cpuprofile> [--top N] [--include fn1,fn2]');
  process.exit(2);
}
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const top = Number(opt('top', 30));
const include = (opt('include', '') || '').split(',').filter(Boolean);
const skipMs = Number(opt('skip-ms', 0));

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Time of each sample: the delta after it (the last one gets the mean).
const deltas = profile.timeDeltas;
const total = (profile.endTime - profile.startTime) / 1000;
let at = 0;
const sampleMs = profile.samples.map((_, i) => {
  at += deltas[i] / 1000;
  if (at < skipMs) return 0;
  return (i + 1 < deltas.length ? deltas[i + 1] : total / profile.samples.length) / 1000;
});

const where = (n) => {
  const { functionName, url, lineNumber } = n.callFrame;
  const short = url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, '')
    .replace(/.*\/dist\/apps\/api\//, '');
  return `${functionName || '(anonymous)'} ${short}${url ? `:${lineNumber + 1}` : ''}`;
};
const packageOf = (n) => {
  const url = n.callFrame.url;
  if (!url) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native/V8)';
  if (url.startsWith('node:')) return 'node internals';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/dist/apps/api/libs/')) return `caretrail ${url.split('/dist/apps/api/libs/')[1].split('/')[0]}`;
  if (url.includes('/dist/apps/api/apps/')) return 'caretrail api';
  return url;
};

const selfByFn = new Map();
const selfByPkg = new Map();
const inclusive = new Map();
let busy = 0;
profile.samples.forEach((id, i) => {
  const ms = sampleMs[i];
  const n = nodes.get(id);
  const key = where(n);
  selfByFn.set(key, (selfByFn.get(key) ?? 0) + ms);
  const pkg = packageOf(n);
  selfByPkg.set(pkg, (selfByPkg.get(pkg) ?? 0) + ms);
  if (n.callFrame.functionName !== '(idle)') busy += ms;
  if (include.length) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const name = nodes.get(cur).callFrame.functionName;
      if (include.includes(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
      }
    }
  }
});

const pct = (ms) => `${((ms / busy) * 100).toFixed(1).padStart(5)} %`;
const list = (map) =>
  [...map.entries()]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms ${pct(ms)}  ${k}`)
    .join('\n');
const idle = selfByFn.get('(idle) ') ?? 0;
console.log(
  `profile ${file}: ${(total - skipMs).toFixed(0)} ms wall after the first ${skipMs} ms, ${busy.toFixed(0)} ms busy (not idle), ${idle.toFixed(0)} ms idle; % of busy`,
);
console.log(`\nself time by package:\n${list(selfByPkg)}`);
console.log(`\nself time by function:\n${list(selfByFn)}`);
if (include.length) console.log(`\ninclusive time:\n${list(inclusive)}`);
