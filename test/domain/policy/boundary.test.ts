import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = new URL('../../../../', import.meta.url).pathname;

async function restricted(code: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: root }).lintText(code, { filePath: `${root}src/domain/policy/probe.ts` });
  return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('no-restricted-')).map((m) => m.message);
}

describe('the policy engine and digests may live in src/domain (decision 0025)', () => {
  it('src/domain may import the CEL library and the ledger-verify format library', async () => {
    assert.deepEqual(
      await restricted(
        "import { Environment } from '@marcbachmann/cel-js';\nimport { canonicalize, sha256 } from 'ledger-verify';\nexport { Environment, canonicalize, sha256 };\n",
      ),
      [],
    );
  });

  it('but still not node:crypto: hashing goes through ledger-verify', async () => {
    assert.equal((await restricted("import { createHash } from 'node:crypto';\nexport { createHash };\n")).length, 1);
  });
});
