/** CPU time and resident memory of another process, from /proc (Linux). */
import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat; 100 on Linux for every common architecture. */
const TICKS_PER_SECOND = 100;

/** User + system CPU time the process has used so far, in microseconds. */
export async function cpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after it are counted from its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) / TICKS_PER_SECOND) * 1e6;
}

/** Resident set size in bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`No VmRSS for process ${pid}.`);
  return Number(match[1]) * 1024;
}
