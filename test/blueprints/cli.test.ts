import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshDatabase, type TestDatabase } from '../support/pg.js';
import { BLUEPRINT_FILES, REPO_ROOT, repoBlueprint, repoBlueprintText } from './fixtures.js';

const MAIN = new URL('../../src/cli/main.js', import.meta.url).pathname;

function cli(args: string[], env: Record<string, string> = {}, cwd = REPO_ROOT): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('qledger blueprints', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'qledger-bp-cli-'));

  it('validate: exit 0 with each id, version and digest', () => {
    const r = cli(['blueprints', 'validate', 'blueprints/ds-ia-crypto.yaml', 'blueprints/batch-inference.yaml']);
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out,
      `ok blueprints/ds-ia-crypto.yaml: ds-ia-crypto v1 ${repoBlueprint('ds-ia-crypto').digest}\nok blueprints/batch-inference.yaml: batch-inference v1 ${repoBlueprint('batch-inference').digest}\n`,
    );
  });

  it('validate: exit 1 with file:line path: expected... for each problem', () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, repoBlueprintText('ds-ia-crypto').replace('type: CODE_LINT', 'type: LINTT'));
    const r = cli(['blueprints', 'validate', bad]);
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      new RegExp(
        `^${bad.replaceAll('.', '\\.')}:17 stages\\[0\\]\\.checks\\[0\\]\\.type: expected one of CODE_LINT, .* \\(got "LINTT"\\)\\n$`,
      ),
    );
  });

  it('validate without a file is a usage error (exit 2)', () => {
    const r = cli(['blueprints', 'validate']);
    assert.equal(r.code, 2);
    assert.match(r.err, /^qledger: qledger blueprints validate needs at least one FILE\n$/);
  });

  describe('register, on a ledger', () => {
    let db: TestDatabase;
    let env: Record<string, string>;
    before(async () => {
      db = await freshDatabase();
      env = {
        QLEDGER_DATA_DIR: mkdtempSync(join(tmpdir(), 'qledger-bp-data-')),
        QLEDGER_PG_URL: db.url,
        QLEDGER_KEY_PASSPHRASE: 'blueprint cli test passphrase',
      };
      assert.equal(cli(['init'], env).code, 0);
    });
    after(() => db.drop());

    it('registers every file of ./blueprints/ by default; a second time records nothing', () => {
      const first = cli(['blueprints', 'register'], env);
      assert.equal(first.code, 0, first.err);
      const expected = [...BLUEPRINT_FILES].sort().map((n) => `registered ${n} v1 ${repoBlueprint(n).digest} (blueprints/${n}.yaml)`);
      assert.deepEqual(first.out.trim().split('\n'), expected);
      const again = cli(['blueprints', 'register'], env);
      assert.equal(again.code, 0, again.err);
      assert.deepEqual(
        again.out.trim().split('\n'),
        expected.map((l) => l.replace('registered', 'unchanged ')),
      );
    });

    it('changed content under a registered version: exit 1, BLUEPRINT_VERSION_CONFLICT', () => {
      const edited = join(tmp, 'ds-ia-crypto.yaml');
      writeFileSync(edited, repoBlueprintText('ds-ia-crypto').replace('min_coverage: 0.8', 'min_coverage: 0.5'));
      const r = cli(['blueprints', 'register', edited], env);
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        /qledger: blueprint ds-ia-crypto version 1 is already registered with different content .*: a changed blueprint needs a new version number \[BLUEPRINT_VERSION_CONFLICT\]\n$/,
      );
    });

    it('an invalid file registers nothing (exit 1)', () => {
      const bad = join(tmp, 'v2.yaml');
      writeFileSync(
        bad,
        repoBlueprintText('ds-ia-crypto')
          .replace('version: 1', 'version: 2')
          .replace("rule: metric('coverage') >= 0.8", 'rule: coverage >='),
      );
      const good = join(tmp, 'v3.yaml');
      writeFileSync(good, repoBlueprintText('ds-ia-crypto').replace('version: 1', 'version: 3'));
      const r = cli(['blueprints', 'register', good, bad], env);
      assert.equal(r.code, 1);
      assert.match(r.err, /v2\.yaml:\d+ policies\.approval\.conditions\[1\]\.rule: expected a CEL expression/);
      assert.match(r.err, /nothing registered/);
      assert.equal(r.out, '');
      const then = cli(['blueprints', 'register', good], env);
      assert.equal(then.code, 0, then.err);
      assert.match(then.out, /^registered ds-ia-crypto v3 /, 'v3 was not registered by the refused call');
    });
  });
});
