/**
 * What the CPU of this machine does over a stretch of time, from /proc (Linux): how busy all its
 * cores were, and how much of that went to the Chromium this process started, by kind of
 * Chromium process.
 */
import { readFile, readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { cpuMicros } from './processStats.js';

interface CoreTicks {
  busy: number;
  total: number;
}

async function coreTicks(): Promise<CoreTicks> {
  const first = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
  const [, ...fields] = first.trim().split(/\s+/);
  const ticks = fields.map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = ticks[3]! + ticks[4]!;
  return { busy: total - idle, total };
}

async function parentOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null; // Gone meanwhile.
  }
}

/** Every process below `root` (children, their children, …). */
async function descendants(root: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const parents = new Map<number, number | null>();
  for (const pid of pids) parents.set(pid, await parentOf(pid));
  const below = new Set<number>([root]);
  // A tree is at most as deep as it has processes: bounded passes.
  for (let pass = 0; pass < pids.length; pass += 1) {
    const before = below.size;
    for (const [pid, parent] of parents) if (parent !== null && below.has(parent)) below.add(pid);
    if (below.size === before) break;
  }
  below.delete(root);
  return [...below];
}

/**
 * "renderer", "gpu-process", "utility (network)", …; "browser" for Chromium's main process;
 * null for a process that is not Chromium's (e.g. esbuild's service under tsx).
 */
async function chromiumKindOf(pid: number): Promise<string | null> {
  // Chromium's children rewrite their command line into one line (setproctitle): split on spaces too.
  const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split(/[\0 ]/);
  if (!/chrom/.test(args[0] ?? '')) return null;
  const type = args.find((arg) => arg.startsWith('--type='))?.slice('--type='.length);
  if (type === undefined) return 'browser';
  const sub = args.find((arg) => arg.startsWith('--utility-sub-type='))?.split('.')[0];
  return sub ? `${type} (${sub})` : type;
}

async function chromiumCpu(): Promise<Map<number, { kind: string; micros: number }>> {
  const found = new Map<number, { kind: string; micros: number }>();
  for (const pid of await descendants(process.pid)) {
    const kind = await chromiumKindOf(pid);
    if (kind === null) continue;
    try {
      found.set(pid, { kind, micros: await cpuMicros(pid) });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** The machine's 1-minute load average: how many processes were running or waiting for a core. */
export async function loadAverage(): Promise<number> {
  return Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[0]);
}

export interface LoadSample {
  seconds: number;
  cores: number;
  /** How many cores' worth the whole machine was busy (0 … cores). */
  machineCores: number;
  /** Cores' worth used by this process (the server and Playwright's driver). */
  selfCores: number;
  /** Cores' worth used by the Chromium this process started, by kind of Chromium process. */
  chromiumCores: Map<string, number>;
  /** The 1-minute load average at the end. */
  loadAverage: number;
}

/** Samples the machine while `seconds` pass. */
export async function sampleLoad(seconds: number): Promise<LoadSample> {
  const [ticks0, children0, self0, t0] = [await coreTicks(), await chromiumCpu(), process.cpuUsage(), performance.now()];
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  const [ticks1, children1, self1, t1] = [await coreTicks(), await chromiumCpu(), process.cpuUsage(), performance.now()];
  const wallMicros = (t1 - t0) * 1_000;
  const cores = availableParallelism();
  const chromiumCores = new Map<string, number>();
  for (const [pid, { kind, micros }] of children1) {
    // A process that started during the sample counts from zero.
    const used = micros - (children0.get(pid)?.micros ?? 0);
    chromiumCores.set(kind, (chromiumCores.get(kind) ?? 0) + used / wallMicros);
  }
  const selfMicros = self1.user + self1.system - self0.user - self0.system;
  return {
    seconds: (t1 - t0) / 1_000,
    cores,
    machineCores: ((ticks1.busy - ticks0.busy) / (ticks1.total - ticks0.total)) * cores,
    selfCores: selfMicros / wallMicros,
    chromiumCores,
    loadAverage: await loadAverage(),
  };
}
