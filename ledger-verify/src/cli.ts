#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isKid, isOrigin } from './envelope/fields.js';
import { InputError, verifyLedger } from './verify/ledger.js';
import { ndjsonFileSource } from './verify/ndjson-file.js';
import { formatReport } from './verify/text.js';

const USAGE = `usage: ledger-verify FILE.ndjson --trust-root KID [--origin ORIGIN] [--json]

Verifies a Quality Ledger event log offline: one sealed event envelope per line, in the
ledger's global order (line N is global position N-1).

  --trust-root KID  kid of the genesis signing key, obtained out of band (32 hex characters)
  --origin ORIGIN   expected ledger origin (default: the origin of the genesis event)
  --json            print a JSON report instead of a summary
  --max-failures N  failures listed in the report (default 1000; all are counted)
  -h, --help        this help

Checks: strict JSON, envelope shape, origin, event hash, signer validity under the
key chain (ledger-keys stream) rooted at the trust root, Ed25519 signature (strict
RFC 8032), and the hash chain of every stream.

Exit status: 0 everything verifies, 1 verification failure, 2 usage error or input
that cannot be read as NDJSON (unreadable file, bad JSON, invalid UTF-8, truncated
last line).`;

type Exit = 0 | 1 | 2;

function fail(json: boolean, code: string, message: string, line: number | null = null): Exit {
  process.stderr.write(`ledger-verify: ${message}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message, line } })}\n`);
  return 2;
}

async function main(argv: readonly string[]): Promise<Exit> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'trust-root': { type: 'string' },
        origin: { type: 'string' },
        json: { type: 'boolean', default: false },
        'max-failures': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return fail(argv.includes('--json'), 'USAGE', `${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) return fail(json, 'USAGE', `expected exactly one FILE\n${USAGE}`);
  const trustRoot = values['trust-root'];
  if (trustRoot === undefined) return fail(json, 'USAGE', `--trust-root KID is required\n${USAGE}`);
  if (!isKid(trustRoot)) return fail(json, 'USAGE', '--trust-root must be a kid: 32 lowercase hex characters');
  const origin = values.origin;
  if (origin !== undefined && !isOrigin(origin))
    return fail(json, 'USAGE', '--origin must be 1-255 printable ASCII characters without spaces');
  let maxFailures = 1000;
  if (values['max-failures'] !== undefined) {
    maxFailures = Number(values['max-failures']);
    if (!Number.isSafeInteger(maxFailures) || maxFailures < 0) return fail(json, 'USAGE', '--max-failures must be a non-negative integer');
  }
  const file = positionals[0] as string;

  try {
    const report = await verifyLedger(ndjsonFileSource(file), { trustRoot, maxFailures, ...(origin !== undefined ? { origin } : {}) });
    process.stdout.write(json ? `${JSON.stringify({ file, ...report }, null, 2)}\n` : formatReport(file, report));
    return report.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof InputError) return fail(json, e.code, e.message, e.line);
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // A bug, not an input problem: still one line, no stack trace unless asked for.
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    process.stderr.write(`ledger-verify: internal error: ${message}\n`);
    if (process.env['LEDGER_VERIFY_DEBUG'] && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 2;
  },
);
