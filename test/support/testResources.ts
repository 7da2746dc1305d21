/**
 * What a test run makes on this machine besides its own memory: child processes, network
 * namespaces and temporary files. Each is recorded under the name of the run's main process (its
 * pid and start time, so a reused pid is never mistaken for it), which lets the run check at its
 * end that its tests left nothing, and a later run remove exactly what a killed run left behind,
 * never anything of a run still going.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every namespace this suite makes starts with this; nothing else is ever touched. */
export const NETNS_PREFIX = 'pcall-';

// Set by `startRun` in the run's main process; its workers inherit them. The run's own temp
// folder replaces TMPDIR, so the base is remembered beside it.
const RUN_ENV = 'PEER_CALL_TEST_RUN';
const BASE_ENV = 'PEER_CALL_TEST_TMP_BASE';
const root = () => join(process.env[BASE_ENV] ?? tmpdir(), 'peer-call-tests');

/** The start time of a process in clock ticks since boot, or undefined if it is not running. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may contain spaces, so count from its closing ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** `<pid>-<start time>`: names a process uniquely for as long as the machine runs. */
export function processTag(pid = process.pid): string {
  const start = startTime(pid);
  if (start === undefined) throw new Error(`Process ${pid} is not running.`);
  return `${pid}-${start}`;
}

function isRunning(tag: string): boolean {
  const [pid, start] = tag.split('-');
  return pid !== undefined && start !== undefined && startTime(Number(pid)) === start;
}

/** The run this process belongs to: its main process, or this process outside a run. */
const runTag = () => process.env[RUN_ENV] ?? processTag();

/** The run's folder for what it makes; removed by `sweepLeftovers` once the run is gone. */
export function ownDir(): string {
  const dir = join(root(), runTag());
  mkdirSync(join(dir, 'pids'), { recursive: true });
  return dir;
}

/** A temporary folder of the run's own, inside `ownDir()`. */
export function makeTempDir(purpose: string): string {
  return mkdtempSync(join(ownDir(), `${purpose}-`));
}

/**
 * Makes this process the run's main process, and points TMPDIR at the run's folder, so that
 * browsers and tools started by its workers leave nothing elsewhere.
 */
export function startRun(): void {
  process.env[BASE_ENV] ??= tmpdir();
  process.env[RUN_ENV] = processTag();
  const dir = join(ownDir(), 'tmp');
  mkdirSync(dir, { recursive: true });
  process.env.TMPDIR = dir;
}

/**
 * Records a child process until it exits, so that if this process is killed first, the next run
 * can stop it. Returns a promise of its exit.
 */
export function trackProcess(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return Promise.resolve();
  const record = join(ownDir(), 'pids', processTag(pid));
  writeFileSync(record, '');
  const forget = () => rmSync(record, { force: true });
  if (child.exitCode !== null || child.signalCode !== null) {
    forget();
    return Promise.resolve();
  }
  return new Promise((resolve) => child.once('exit', () => resolve(forget())));
}

/** Starts a process and records it (see trackProcess). */
export function spawnTracked(command: string, args: string[], options: SpawnOptions = {}): { child: ChildProcess; exited: Promise<void> } {
  const child = spawn(command, args, options);
  return { child, exited: trackProcess(child) };
}

/** A namespace name that no other test, run or concurrent run can make. */
let namespaces = 0;
export function namespaceName(host: string): string {
  return `${NETNS_PREFIX}${runTag()}-${process.pid}-${++namespaces}${host}`;
}

const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function killTagged(tag: string): void {
  const [pid] = tag.split('-');
  if (isRunning(tag)) process.kill(Number(pid), 'SIGKILL');
}

/** Kills whatever still runs inside a namespace, then deletes it. */
export function deleteNamespace(name: string): void {
  let pids: string[] = [];
  try {
    pids = ip('netns', 'pids', name).split('\n').filter(Boolean);
  } catch {
    return; // Already gone.
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  try {
    ip('netns', 'del', name);
  } catch {
    // Deleted meanwhile.
  }
}

export function listOwnNamespaces(): string[] {
  let listing = '';
  try {
    listing = ip('netns', 'list');
  } catch {
    return []; // No iproute2: this run made none.
  }
  return listing
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(NETNS_PREFIX));
}

/**
 * Removes what runs that are no longer running left behind: their namespaces (and the
 * processes inside), their recorded child processes, their temp folders. Returns what it removed.
 */
export function sweepLeftovers(): string[] {
  const removed: string[] = [];
  for (const name of listOwnNamespaces()) {
    const owner = /^pcall-(\d+-\d+)-/.exec(name)?.[1];
    if (owner !== undefined && isRunning(owner)) continue;
    deleteNamespace(name);
    removed.push(`network namespace ${name}`);
  }
  // Whatever a stopped run started, tracked or not, carries its run in the environment.
  const self = [process.pid, process.ppid];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && !self.includes(Number(entry)))) {
    let environment = '';
    try {
      environment = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // Exited, or not ours to read.
    }
    const run = environment.split('\0').find((entry) => entry.startsWith(`${RUN_ENV}=`))?.slice(RUN_ENV.length + 1);
    if (run === undefined || isRunning(run)) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
      removed.push(`process ${pid}`);
    } catch {
      // Exited meanwhile.
    }
  }
  const dirs = existsSync(root()) ? readdirSync(root()) : [];
  for (const owner of dirs) {
    if (isRunning(owner)) continue;
    const dir = join(root(), owner);
    const pids = existsSync(join(dir, 'pids')) ? readdirSync(join(dir, 'pids')) : [];
    for (const child of pids) {
      if (!isRunning(child)) continue;
      killTagged(child);
      removed.push(`process ${child.split('-')[0]}`);
    }
    rmSync(dir, { recursive: true, force: true });
    removed.push(`folder ${dir}`);
  }
  removeRootIfEmpty();
  return removed;
}

/** What the run made and has not removed: for its last check. */
export function ownLeftovers(): string[] {
  const tag = runTag();
  const mine = listOwnNamespaces().filter((name) => name.startsWith(`${NETNS_PREFIX}${tag}-`));
  const pidsDir = join(root(), tag, 'pids');
  const running = existsSync(pidsDir) ? readdirSync(pidsDir).filter(isRunning) : [];
  return [...mine.map((name) => `network namespace ${name}`), ...running.map((child) => `process ${child.split('-')[0]}`)];
}

/** Stops and removes everything of the run's (it is over). */
export function removeOwn(): void {
  const tag = runTag();
  for (const name of listOwnNamespaces()) if (name.startsWith(`${NETNS_PREFIX}${tag}-`)) deleteNamespace(name);
  const dir = join(root(), tag);
  const pids = existsSync(join(dir, 'pids')) ? readdirSync(join(dir, 'pids')) : [];
  for (const child of pids) killTagged(child);
  rmSync(dir, { recursive: true, force: true });
  removeRootIfEmpty();
}

function removeRootIfEmpty(): void {
  try {
    rmdirSync(root());
  } catch {
    // Not empty (another run's, or a stopped run's for the next sweep), or already gone.
  }
}
