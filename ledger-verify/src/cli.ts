#!/usr/bin/env node
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isKid, isOrigin } from './envelope/fields.js';
import { formatExportReport } from './export/text.js';
import { verifyExport } from './export/verify.js';
import { InputError, verifyLedger } from './verify/ledger.js';
import { ndjsonFileSource } from './verify/ndjson-file.js';
import { formatReport } from './verify/text.js';

const USAGE = `usage: ledger-verify PATH --trust-root KID [--origin ORIGIN] [--json]

Verifies Quality Ledger data offline. PATH is
  a full export directory (manifest.json, events.ndjson, checkpoints.ndjson),
  a .tar.gz of one, or
  an event log: one sealed event envelope per line, in global order (line N is
  global position N-1).

  --trust-root KID  kid of the genesis signing key, obtained out of band (32 hex characters)
  --origin ORIGIN   expected ledger origin (default: the origin of the genesis event)
  --json            print a JSON report instead of a summary
  --max-failures N  failures listed in the report (default 1000; all are counted)
  --workers N       threads checking signatures (exports; default: one per core)
  -h, --help        this help

Checks: strict JSON, envelope shape, origin, event hash, signer validity under the
key chain (ledger-keys stream) rooted at the trust root, Ed25519 signature (strict
RFC 8032), and the hash chain of every stream; for an export also positions, leaf
indices, the Merkle tree against every signed checkpoint (C2SP signed notes),
consistency of the checkpoints, and the manifest's counts and file digests.

Exit status: 0 everything verifies, 1 verification failure, 2 usage error or input
that cannot be read (unreadable file, bad JSON, invalid UTF-8, truncated line or
archive).`;

/** An export directory or a gzip file (by its magic bytes), else an NDJSON log. */
function kindOf(path: string): 'export' | 'log' {
  try {
    if (statSync(path).isDirectory()) return 'export';
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(2);
      const n = readSync(fd, head, 0, 2, 0);
      return n === 2 && head[0] === 0x1f && head[1] === 0x8b ? 'export' : 'log';
    } finally {
      closeSync(fd);
    }
  } catch {
    return 'log'; // the reader reports the error
  }
}

/** A progress bar on stderr when it is a terminal (redrawn at most 5 times a second). */
function progressBar(): { update: (done: number, total: number | null) => void; clear: () => void } {
  const tty = process.stderr.isTTY === true;
  let started = Date.now();
  let last = 0;
  let previous = 0;
  let label = '';
  return {
    update(done, total) {
      if (!tty) return;
      const now = Date.now();
      if (done < previous) {
        // The one-pass verification met a problem: the three passes start again from line 1.
        label = 'found a problem; verifying again to report every failure: ';
        started = now;
        last = 0;
      }
      previous = done;
      if (now - last < 200 && done !== total) return;
      last = now;
      const rate = done / Math.max(0.001, (now - started) / 1000);
      const width = 30;
      const frac = total ? Math.min(1, done / total) : 0;
      const bar = total ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ${(frac * 100).toFixed(0).padStart(3)}% ` : '';
      process.stderr.write(`\r${label}${bar}${done}${total ? `/${total}` : ''} events  ${Math.round(rate)} events/s   `);
    },
    clear() {
      if (tty && last > 0) process.stderr.write('\r\x1b[K');
    },
  };
}

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
        workers: { type: 'string' },
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
  if (positionals.length !== 1) return fail(json, 'USAGE', `expected exactly one PATH\n${USAGE}`);
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
  let workers: number | undefined;
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isSafeInteger(workers) || workers < 0 || workers > 256)
      return fail(json, 'USAGE', '--workers must be an integer from 0 to 256');
  }
  const file = positionals[0] as string;

  if (kindOf(file) === 'export') {
    const progress = progressBar();
    try {
      const report = await verifyExport(file, {
        trustRoot,
        maxFailures,
        onProgress: progress.update,
        ...(origin !== undefined ? { origin } : {}),
        ...(workers !== undefined ? { workers } : {}),
      });
      progress.clear();
      process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatExportReport(report));
      return report.ok ? 0 : 1;
    } catch (e) {
      progress.clear();
      if (e instanceof InputError) return fail(json, e.code, e.message, e.line);
      throw e;
    }
  }

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
