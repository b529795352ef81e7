import { LocalIssuer, MAX_LOCAL_TTL_SECONDS } from '../../auth/local-issuer.js';
import { isProjectId, isRole, ROLES, type ProjectScope } from '../../auth/principal.js';
import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { UsageError } from '../cli-error.js';
import { configFrom, operatorMetadata, type Output } from '../context.js';

const HELP = `Usage: qledger token --role ROLE [--project P[,P...]] [--ttl 1h]

Prints a short-lived bearer token of the local issuer, for the service running on this data
directory with the embedded PostgreSQL (with QLEDGER_PG_URL, use your OIDC identity provider).
Send it as "Authorization: Bearer <token>".

Options:
  --role ROLE             one of ${ROLES.join(', ')}
  --project P[,P...]      the projects the token covers (default: all projects)
  --ttl DURATION          lifetime: 30s, 15m, 1h (default 1h, at most 24h)
${COMMON_HELP}`;

export async function tokenCommand(argv: readonly string[], io: Output): Promise<number> {
  const usage = 'qledger token --role ROLE [--project P] [--ttl 1h]';
  const args = parse(argv, { ...COMMON_OPTIONS, role: { type: 'string' }, project: { type: 'string' }, ttl: { type: 'string' } }, usage);
  if (args.values['help']) return (io.out(HELP), 0);
  if (args.positionals.length > 0) throw new UsageError(`qledger token takes no arguments (got "${args.positionals[0]}")`);
  const role = args.values['role'];
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}${typeof role === 'string' ? ` (got "${role}")` : ''}`);
  const projects = projectsFlag(args.values['project']);
  const ttlSeconds = ttlFlag(args.values['ttl']);
  const config = configFrom(args);
  if (config.pgUrl !== undefined) {
    throw new UsageError(
      'qledger token works with the embedded PostgreSQL only: with QLEDGER_PG_URL, get a token from your OIDC identity provider',
    );
  }
  const issuer = await LocalIssuer.open(config.dataDir, { create: true });
  const token = await issuer!.issue({ subject: operatorMetadata().actor.id, role, projects, ttlSeconds });
  io.out(token);
  return 0;
}

export function projectsFlag(raw: string | boolean | undefined): ProjectScope {
  if (raw === undefined) return '*';
  const list = String(raw)
    .split(',')
    .map((p) => p.trim());
  if (list.length === 0 || !list.every(isProjectId)) {
    throw new UsageError(`--project must be project ids separated by commas (letters, digits, . _ : -) (got "${String(raw)}")`);
  }
  return [...new Set(list)];
}

function ttlFlag(raw: string | boolean | undefined): number {
  if (raw === undefined) return 3600;
  const m = /^(\d{1,6})(s|m|h)$/.exec(String(raw));
  const seconds = m ? Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'] : NaN;
  if (!(seconds >= 1 && seconds <= MAX_LOCAL_TTL_SECONDS))
    throw new UsageError(`--ttl must be a duration like 30s, 15m or 1h, at most 24h (got "${String(raw)}")`);
  return seconds;
}
