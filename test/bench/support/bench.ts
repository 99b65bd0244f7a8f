/**
 * The little every CareTrail benchmark shares (docs/performance.md):
 * command-line options, rounds after a warm-up with median/min/max, a table
 * for people, JSON for tools, and a description of the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';

export interface Options {
  /** Values of `--name value` and `--name=value`; a bare `--flag` is 'true'. */
  values: Record<string, string>;
  int(name: string, fallback: number): number;
  string(name: string, fallback: string): string;
}

export function parseOptions(argv: string[]): Options {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) values[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) values[arg.slice(2)] = argv[++i]!;
    else values[arg.slice(2)] = 'true';
  }
  return {
    values,
    int(name, fallback) {
      const raw = values[name];
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${raw}`);
      return n;
    },
    string(name, fallback) {
      return values[name] ?? fallback;
    },
  };
}

/** One figure: the median of the measured rounds, with their spread. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function stat(samples: number[]): Stat {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples };
}

/** A rate of one round: `count` things done in `seconds`. */
export interface Round {
  count: number;
  seconds: number;
}

export const rate = (round: Round): number => round.count / round.seconds;

/**
 * Runs each side once as a warm-up, then `rounds` measured rounds. The order
 * of the sides alternates from round to round (ABBA...), so that drift on a
 * shared machine (a neighbour's test run, a table growing, autovacuum) does
 * not always fall on the same side.
 */
export async function compareRounds<Side extends string>(
  rounds: number,
  sides: Record<Side, (round: number) => Promise<Round>>,
): Promise<Record<Side, Stat>> {
  const names = Object.keys(sides) as Side[];
  const rates = Object.fromEntries(names.map((n) => [n, [] as number[]])) as unknown as Record<Side, number[]>;
  for (let round = 0; round <= rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const result = await sides[name](round);
      if (round > 0) rates[name].push(rate(result)); // round 0 is the warm-up
    }
  }
  return Object.fromEntries(names.map((n) => [n, stat(rates[n])])) as unknown as Record<Side, Stat>;
}

/** Times one piece of work in seconds (monotonic clock). */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

/** Runs `count` workers at once, each doing its own sequence of awaits. */
export async function concurrently(count: number, worker: (index: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, i) => worker(i)));
}

export function formatRate(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

/** A figure as "median (min-max)". */
export function formatStat(s: Stat): string {
  return `${formatRate(s.median)} (${formatRate(s.min)}-${formatRate(s.max)})`;
}

export function formatRatio(ratio: number): string {
  return `${(ratio * 100).toFixed(0)} %`;
}

/** A Markdown table: readable in a terminal and pasteable into docs. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export interface Machine {
  node: string;
  platform: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  loadAverageAtStart: number[];
  gitCommit: string | null;
}

export function machine(): Machine {
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    gitCommit = null;
  }
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    gitCommit,
  };
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** A benchmark checks its own result; a wrong result fails the run. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`benchmark result is wrong: ${message}`);
}

// --- memory ----------------------------------------------------------------------

/** The peak resident set of one process of a benchmark. */
export interface ProcessPeak {
  process: string;
  pid: number | null;
  peakRssMiB: number;
}

export interface MemoryReport {
  /** Peak RSS of the benchmark process during this benchmark (VmHWM, reset before it started), MiB. */
  benchProcessPeakRssMiB: number;
  /** Peak RSS of every child process the benchmark noted (API servers, rebuild children, generators). */
  children: ProcessPeak[];
}

const childPeaks: ProcessPeak[] = [];

/** A process's high-water resident set from /proc/<pid>/status (VmHWM), MiB; null when it is gone. */
export function peakRssMiBOf(pid: number | 'self'): number | null {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return hwm ? Number(hwm[1]) / 1024 : null;
  } catch {
    return pid === 'self' ? process.resourceUsage().maxRSS / 1024 : null;
  }
}

let clockTicks: number | undefined;

/**
 * CPU time (user + system) a process has used so far, from /proc/<pid>/stat, in seconds; null
 * when it is gone or this is not Linux. The resolution is one clock tick (usually 10 ms), so
 * compare it over rounds of a second or more.
 */
export function cpuSecondsOf(pid: number): number | null {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

/** Notes a child's peak RSS; call it just before stopping the child (its /proc entry goes with it). */
export function noteChildPeak(name: string, pid: number | undefined): void {
  const peak = pid === undefined ? null : peakRssMiBOf(pid);
  if (peak !== null) childPeaks.push({ process: name, pid: pid ?? null, peakRssMiB: peak });
}

/** Records a peak a child reported itself (its process.resourceUsage().maxRSS), MiB. */
export function recordChildPeak(name: string, peakRssMiB: number, pid: number | null = null): void {
  childPeaks.push({ process: name, pid, peakRssMiB });
}

/** Starts a benchmark's memory record: resets this process's VmHWM (Linux clear_refs 5) and the children noted. */
export function startMemoryRecord(): void {
  childPeaks.length = 0;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: the figure is then the process's peak since it started.
  }
}

/** The memory record of the benchmark that just ran. */
export function memoryReport(): MemoryReport {
  return { benchProcessPeakRssMiB: peakRssMiBOf('self') ?? Number.NaN, children: [...childPeaks] };
}

export function memoryTable(memory: MemoryReport): string {
  return table(
    ['process', 'peak RSS MiB'],
    [
      ['benchmark process', memory.benchProcessPeakRssMiB.toFixed(0)],
      ...memory.children.map((c) => [
        c.pid === null ? c.process : `${c.process} (pid ${c.pid})`,
        c.peakRssMiB.toFixed(0),
      ]),
    ],
  );
}
