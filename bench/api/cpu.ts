// CPU time of this process and of one PostgreSQL cluster (the postmaster and its children, read
// from /proc; Linux only), so that a benchmark can report CPU per event next to its latencies on a
// machine whose load it does not control.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** utime + stime (ms) and the parent pid of a process, or undefined when it is gone. */
function stat(pid: number): { cpuMs: number; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15).
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS, ppid: Number(f[1]) };
  } catch {
    return undefined;
  }
}

/** CPU ms of the postmaster of `backendPid` and of each of its children, by pid. */
export function clusterCpu(backendPid: number): Map<number, number> {
  const out = new Map<number, number>();
  const postmaster = stat(backendPid)?.ppid;
  if (postmaster === undefined) return out;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (s && (pid === postmaster || s.ppid === postmaster)) out.set(pid, s.cpuMs);
  }
  return out;
}

/** CPU ms spent between two samples (processes that started meanwhile count from zero). */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

/** CPU ms (user + system) of this process so far. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
