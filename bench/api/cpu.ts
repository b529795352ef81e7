// CPU time of the three parties of an API benchmark, from /proc (Linux): the service process
// (every thread), the PostgreSQL cluster (the postmaster, the children it has reaped and those still
// running) and this bench process (the load generator). Per request, these say what one request
// costs whatever else the machine runs, and with the number of cores they give the latency floor of a
// closed loop: C clients cannot see a median below C x (CPU per request) / cores.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime (+ cutime + cstime with `children`) of a pid in ms; 0 when it is gone. */
function cpuOfPid(pid: number, children = false): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const own = Number(f[11]) + Number(f[12]);
    return (children ? own + Number(f[13]) + Number(f[14]) : own) * TICK_MS;
  } catch {
    return 0;
  }
}

function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(f[1]) === ppid) out.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export interface CpuSample {
  readonly service: number;
  readonly postgres: number;
  readonly client: number;
}

/** Reads the CPU ms used so far; undefined where /proc is not there. */
export function cpuMeter(servicePid: number, pgDataDir: string): (() => CpuSample) | undefined {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    readFileSync(`/proc/${postmaster}/stat`);
  } catch {
    return undefined;
  }
  return () => {
    const u = process.cpuUsage();
    return {
      service: cpuOfPid(servicePid),
      postgres: cpuOfPid(postmaster, true) + childrenOf(postmaster).reduce((a, p) => a + cpuOfPid(p), 0),
      client: (u.user + u.system) / 1000,
    };
  };
}

/** CPU ms per request between two samples. */
export function perRequest(a: CpuSample, b: CpuSample, requests: number): CpuSample {
  return {
    service: (b.service - a.service) / requests,
    postgres: (b.postgres - a.postgres) / requests,
    client: (b.client - a.client) / requests,
  };
}
