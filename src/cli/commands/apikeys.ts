import { ApiKeyStore } from '../../auth/api-keys.js';
import { isRole, ROLES } from '../../auth/principal.js';
import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { UsageError } from '../cli-error.js';
import { configFrom, withLedger, type Output } from '../context.js';
import { projectsFlag } from './token.js';

const HELP = `Usage: qledger apikeys <create|list|revoke> [options]

API keys for workers and services. The key is printed once, at creation; only its hash is stored.
Send it as "Authorization: Bearer <key>".

  qledger apikeys create [--role worker] [--project P[,P...]]   new key (default role worker, all projects)
  qledger apikeys list                                          key ids, roles, projects, state
  qledger apikeys revoke <key id>                               the key stops working at once

Roles: ${ROLES.join(', ')}.
${COMMON_HELP}`;

export async function apikeysCommand(argv: readonly string[], io: Output): Promise<number> {
  const usage = 'qledger apikeys <create|list|revoke> [--role ROLE] [--project P]';
  const args = parse(argv, { ...COMMON_OPTIONS, role: { type: 'string' }, project: { type: 'string' } }, usage);
  if (args.values['help']) return (io.out(HELP), 0);
  const [sub, ...rest] = args.positionals;
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') {
    throw new UsageError(`use qledger apikeys create, list or revoke${sub ? ` (got "${sub}")` : ''}`);
  }
  const role = args.values['role'] ?? 'worker';
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got "${String(role)}")`);
  const projects = projectsFlag(args.values['project']);
  if (sub === 'revoke' && !/^[0-9a-f]{16}$/.test(rest[0] ?? ''))
    throw new UsageError('qledger apikeys revoke needs a key id (16 hex digits, see qledger apikeys list)');
  if (sub !== 'revoke' && rest.length > 0) throw new UsageError(`qledger apikeys ${sub} takes no arguments (got "${rest[0]}")`);
  const config = configFrom(args);
  return withLedger(
    config,
    io,
    async (ledger) => {
      const keys = new ApiKeyStore(ledger.pool);
      await keys.migrate();
      if (sub === 'create') {
        const { keyId, key } = await keys.create(role, projects);
        io.err(`api key ${keyId} created (role ${role}, projects ${projects === '*' ? 'all' : projects.join(',')}); it is shown only now:`);
        io.out(key);
        return 0;
      }
      if (sub === 'list') {
        for (const k of await keys.list()) {
          const projectList = k.projects === '*' ? '*' : k.projects.join(',');
          io.out(`${k.keyId}  ${k.role.padEnd(8)}  ${projectList}  ${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}`);
        }
        return 0;
      }
      if (!(await keys.revoke(rest[0] as string))) {
        io.err(`qledger: no active API key ${rest[0]} (see qledger apikeys list) [UNKNOWN_API_KEY]`);
        return 1;
      }
      io.out(`api key ${rest[0]} revoked`);
      return 0;
    },
    { signs: false },
  );
}
