// CPU time of the parties of an API benchmark, from /proc (Linux only): the service process (every
// thread), one PostgreSQL cluster (the postmaster, the children it has reaped and those still running)
// and this bench process (the load generator, or the writer and runners of the lag run). Per request
// or per event these say what the work costs whatever else the machine runs, and with the number of
// cores they give the latency floor of a closed loop: C clients cannot see a median below
// C x (CPU per request) / cores.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** utime + stime (+ cutime + cstime of reaped children), in ms, and the parent pid; undefined when gone. */
function stat(pid: number): { cpuMs: number; reapedMs: number; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15) cutime(16) cstime(17).
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS, reapedMs: (Number(f[13]) + Number(f[14])) * TICK_MS, ppid: Number(f[1]) };
  } catch {
    return undefined;
  }
}

/** CPU ms of a postmaster, of the children it reaped, and of each child still running. */
function postmasterCpu(postmaster: number): number {
  const own = stat(postmaster);
  if (!own) return 0;
  let sum = own.cpuMs + own.reapedMs;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === postmaster) continue;
    const s = stat(pid);
    if (s?.ppid === postmaster) sum += s.cpuMs;
  }
  return sum;
}

/** CPU ms so far of the cluster that runs backend `backendPid` (see postmasterCpu). */
export function clusterCpu(backendPid: number): number {
  const postmaster = stat(backendPid)?.ppid;
  return postmaster === undefined ? 0 : postmasterCpu(postmaster);
}

/** CPU ms (user + system) of this process so far. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface CpuSample {
  readonly service: number;
  readonly postgres: number;
  readonly client: number;
}

/** Reads the CPU ms used so far by the service, the cluster of `pgDataDir` and this process; undefined without /proc. */
export function cpuMeter(servicePid: number, pgDataDir: string): (() => CpuSample) | undefined {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!stat(postmaster)) return undefined;
  } catch {
    return undefined;
  }
  return () => ({ service: stat(servicePid)?.cpuMs ?? 0, postgres: postmasterCpu(postmaster), client: ownCpuMs() });
}

/** CPU ms per request between two samples. */
export function perRequest(a: CpuSample, b: CpuSample, requests: number): CpuSample {
  return {
    service: (b.service - a.service) / requests,
    postgres: (b.postgres - a.postgres) / requests,
    client: (b.client - a.client) / requests,
  };
}
