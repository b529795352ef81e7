import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = new URL('../../../', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals' || m.ruleId === 'no-restricted-properties')
    .map((m) => m.message);
}

describe('architecture boundaries enforced by lint', () => {
  it('src/domain/ may not import frameworks, drivers or node I/O, nor read the clock or randomness', async () => {
    const found = await restricted(
      'src/domain/probe.ts',
      [
        "import { Injectable } from '@nestjs/common';",
        "import pg from 'pg';",
        "import { readFile } from 'node:fs/promises';",
        "import { LedgerWriter } from '../ledger/ledger-writer.js';",
        'export const t = Date.now() + Math.random();',
        'export { Injectable, pg, readFile, LedgerWriter };',
      ].join('\n'),
    );
    assert.equal(found.length, 6, found.join('\n'));
  });

  it('src/domain/ may import its own modules', async () => {
    assert.deepEqual(
      await restricted('src/domain/probe.ts', "import { ValidationError } from './errors.js';\nexport { ValidationError };\n"),
      [],
    );
  });

  it('ledger-verify may not import the service or other packages, only node built-ins and @noble', async () => {
    const found = await restricted(
      'ledger-verify/src/probe.ts',
      "import pg from 'pg';\nimport { LedgerError } from '../../src/domain/errors.js';\nimport { sha256 } from '@noble/hashes/sha2.js';\nimport { createHash } from 'node:crypto';\nexport { pg, LedgerError, sha256, createHash };\n",
    );
    assert.equal(found.length, 2, found.join('\n'));
  });
});
