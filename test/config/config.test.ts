import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function fails(env: Record<string, string>, variable: string, fragment: RegExp): void {
  assert.throws(
    () => loadConfig(env),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.variable, variable);
      assert.match(e.message, fragment);
      assert.ok(!e.message.includes('\n'), 'one line');
      return true;
    },
  );
}

describe('configuration', () => {
  it('has working defaults with nothing set', () => {
    const c = loadConfig({});
    assert.equal(c.port, 4000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.pgUrl, undefined);
    assert.match(c.dataDir, /\.qledger$/);
    assert.equal(c.devInsecureKeys, false);
    assert.equal(c.checkpointEveryEvents, 1000);
    assert.equal(c.checkpointIntervalMs, 10_000);
    assert.equal(c.sealerLeaseMs, 15_000);
  });

  it('names the variable and what is expected for each wrong value', () => {
    fails({ PORT: 'abc' }, 'PORT', /integer from 0 to 65535.*"abc"/);
    fails({ PORT: '70000' }, 'PORT', /integer from 0 to 65535/);
    fails({ QLEDGER_PG_URL: 'mysql://x' }, 'QLEDGER_PG_URL', /PostgreSQL URL/);
    fails({ QLEDGER_DEV_INSECURE_KEYS: 'maybe' }, 'QLEDGER_DEV_INSECURE_KEYS', /true, false/);
    fails({ QLEDGER_LOG_LEVEL: 'loud' }, 'QLEDGER_LOG_LEVEL', /error, warn, info, debug/);
    fails({ QLEDGER_MAX_EVENT_BYTES: '10' }, 'QLEDGER_MAX_EVENT_BYTES', /integer from 1024/);
    fails({ QLEDGER_KEY_PASSPHRASE: 'short' }, 'QLEDGER_KEY_PASSPHRASE', /at least 12/);
    fails({ QLEDGER_KEY_PASSPHRASE_FILE: '/nonexistent/pass' }, 'QLEDGER_KEY_PASSPHRASE_FILE', /readable file/);
    fails({ QLEDGER_ORIGIN: 'has space' }, 'QLEDGER_ORIGIN', /printable ASCII/);
    fails({ QLEDGER_ORIGIN: 'a+b' }, 'QLEDGER_ORIGIN', /without spaces or "\+"/);
    fails({ QLEDGER_CONFIG: '/nonexistent.json' }, 'QLEDGER_CONFIG', /existing file/);
    fails({ QLEDGER_CHECKPOINT_EVERY_EVENTS: '0' }, 'QLEDGER_CHECKPOINT_EVERY_EVENTS', /integer from 1 to 10000000/);
    fails({ QLEDGER_CHECKPOINT_INTERVAL_MS: '1s' }, 'QLEDGER_CHECKPOINT_INTERVAL_MS', /integer from 50/);
    fails({ QLEDGER_SEALER_LEASE_MS: '100' }, 'QLEDGER_SEALER_LEASE_MS', /integer from 300/);
  });

  it('never echoes a password from a bad database URL', () => {
    assert.throws(
      () => loadConfig({ QLEDGER_PG_URL: 'mysql://u:hunter2secret@h/db' }),
      (e: unknown) => !(e as Error).message.includes('hunter2secret'),
    );
  });

  it('reads a JSON config file, with the environment taking precedence', () => {
    const d = mkdtempSync(join(tmpdir(), 'qledger-config-'));
    const file = join(d, 'qledger.json');
    writeFileSync(file, JSON.stringify({ PORT: 5000, QLEDGER_HOST: '0.0.0.0' }));
    const c = loadConfig({ QLEDGER_CONFIG: file, QLEDGER_HOST: '127.0.0.2' });
    assert.equal(c.port, 5000);
    assert.equal(c.host, '127.0.0.2');
    writeFileSync(file, JSON.stringify({ PROT: 5000 }));
    fails({ QLEDGER_CONFIG: file }, `PROT (in ${file})`, /one of QLEDGER_DATA_DIR/);
  });

  it('reads the key passphrase from a file without its trailing newline', () => {
    const d = mkdtempSync(join(tmpdir(), 'qledger-config-'));
    const file = join(d, 'pass');
    writeFileSync(file, 'a passphrase long enough\n');
    assert.equal(loadConfig({ QLEDGER_KEY_PASSPHRASE_FILE: file }).keyPassphrase, 'a passphrase long enough');
  });
});
