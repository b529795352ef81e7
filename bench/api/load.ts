// Closed-loop load: CLIENTS concurrent clients, each sending its next request when the previous one
// answered, until OPS requests are done; latency percentiles over every request. The GraphQL client
// is plain node:http with keep-alive (one socket per client), checking every answer.
import http from 'node:http';

export interface Figures {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Requests per second over the measured requests. */
  readonly rate: number;
}

export const pct = (xs: readonly number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

export const median = (xs: readonly number[]): number => pct(xs, 0.5);

export async function closedLoop(op: (i: number) => Promise<unknown>, clients: number, ops: number, warmup: number): Promise<Figures> {
  let next = 0;
  const loop = async (n: number, times?: number[]): Promise<void> => {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = next++; i < n; i = next++) {
          const t0 = process.hrtime.bigint();
          await op(i);
          times?.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
  };
  await loop(warmup);
  next = 0;
  const times: number[] = [];
  const t0 = process.hrtime.bigint();
  await loop(ops, times);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { p50: pct(times, 0.5), p95: pct(times, 0.95), p99: pct(times, 0.99), rate: times.length / seconds };
}

export type Gql = (query: string, variables?: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** POST /graphql with a bearer token over keep-alive sockets; throws on a non-200 answer or GraphQL errors. */
export function graphqlClient(baseUrl: string, token: string, sockets: number): { gql: Gql; close: () => void } {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const gql: Gql = (query, variables = {}) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ query, variables });
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: '/graphql',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const parsed = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
            if (res.statusCode !== 200 || parsed.errors || !parsed.data)
              reject(new Error(`GraphQL answered ${res.statusCode}: ${text.slice(0, 300)}`));
            else resolve(parsed.data);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { gql, close: () => agent.destroy() };
}

export const RUN_DETAIL = `query($id: String!) { run(id: $id) {
  id projectId environment status blueprint { id version digest } triggerKind trigger initiator inputs requestedAt finishedAt reasons
  stages { id name status dependsOn startedAt finishedAt skipReason failedChecks }
  checks { id stageId type required status attempt workerId thresholds metrics { name value }
    findings { id severity category rule message } evidence { digest } tool error startedAt finishedAt }
  decision { runId projectId environment status initiator quorum requiredRoles verdict explanation blueprintDigest policyDigest
    engineVersion inputsDigest evaluatedAt waiverIds reasons openedAt decidedAt
    approvals { kind actorId role comment at }
    waivers { id targetKind targetRef grantedBy role justification expiresAt grantedAt status endReason } } } }`;

export const LINEAGE = `query($node: String!) { lineage(node: $node, direction: BOTH, depth: 5) {
  root { id } nodes { id kind label projectId attrs depth } edges { kind upstream downstream } truncated } }`;

export const AUDIT_PAGE = `query($stream: String!) { auditTrail(first: 50, filter: { stream: $stream }) {
  items { position stream revision id type occurredAt recordedAt actorId actorKind correlationId hash prev kid sig
    signingKey { kid status } }
  pageInfo { endCursor hasNextPage } } }`;
