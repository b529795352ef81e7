import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../auth/app-fixture.js';
import { counter, meta, useLedgerFixture } from '../support/ledger-fixture.js';

const RECHECK_MS = 200;
const SUB = 'subscription($from: Float) { ledgerEvents(fromPosition: $from) { position } }';

interface Closed {
  code: number;
  reason: string;
}

/** A client that records how its socket was closed. */
function client(url: string, token: string, closed: Closed[]): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
    on: { closed: (e) => closed.push({ code: (e as Closed).code, reason: String((e as Closed).reason) }) },
  });
}

/**
 * Subscribes from the head, proves the subscription is live (one event written now arrives), then
 * runs `revoke` and waits for the stream to end. Returns how the stream ended.
 */
async function liveThen(c: Client, from: number, append: () => Promise<void>, revoke: () => Promise<void>): Promise<string> {
  const iter = c.iterate<{ ledgerEvents: { position: number } }>({ query: SUB, variables: { from } })[Symbol.asyncIterator]();
  const first = iter.next();
  await append();
  const msg = await first;
  assert.equal(msg.value?.data?.ledgerEvents.position, from, 'the subscription was live before the credentials went');
  await revoke();
  const outcome = iter.next().then(
    (next) => (next.done ? 'completed' : 'another message'),
    () => 'closed',
  );
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<string>((r) => (timer = setTimeout(() => r('still open after 10 s'), 10_000)));
  try {
    return await Promise.race([outcome, limit]);
  } finally {
    clearTimeout(timer);
  }
}

describe('open WebSockets lose their subscriptions when their credentials go', () => {
  let api!: TestApp;
  after(async () => {
    if (api) await api.close();
  });
  const ctx = useLedgerFixture();
  const append = async (): Promise<void> => {
    await ctx.fx.writer.execute('run-revocation', counter, { type: 'Increment', count: 1 }, meta());
  };

  before(async () => {
    api = await startTestApp(ctx.db, ctx.fx, { issuers: [] }, { QLEDGER_WS_AUTH_RECHECK_MS: String(RECHECK_MS) });
  });

  it('closes the connection of a revoked API key with 4403, and keeps the others open', async () => {
    const { keyId, key } = await api.apiKeys.create('auditor', '*');
    const closed: Closed[] = [];
    const revoked = client(api.url, key, closed);
    const keptClosed: Closed[] = [];
    const kept = client(api.url, await api.token('auditor'), keptClosed);
    const keptSub = kept.iterate<{ ledgerEvents: { position: number } }>({
      query: SUB,
      variables: { from: await ctx.fx.store.headPosition() },
    });
    const keptIter = keptSub[Symbol.asyncIterator]();
    const from = await ctx.fx.store.headPosition();
    const ended = await liveThen(revoked, from, append, async () => {
      assert.equal(await api.apiKeys.revoke(keyId), true);
    });
    assert.equal(ended, 'closed');
    assert.deepEqual(closed, [{ code: 4403, reason: 'credentials revoked or no longer valid: reconnect with valid credentials' }]);
    // Several re-checks later, the valid token's subscription still delivers.
    await new Promise((r) => setTimeout(r, RECHECK_MS * 3));
    await append();
    const seen: number[] = [];
    while (seen.length < 2) seen.push((await keptIter.next()).value!.data!.ledgerEvents.position);
    assert.deepEqual(seen, [from, from + 1]);
    assert.deepEqual(keptClosed, []);
    await kept.dispose();
    await revoked.dispose();
    // And the revoked key cannot come back.
    const again: Closed[] = [];
    const retry = client(api.url, key, again);
    await assert.rejects(async () => {
      for await (const _ of retry.iterate({ query: SUB })) break;
    });
    assert.equal(again[0]?.code, 4403);
    await retry.dispose();
  });

  it('closes the connection of an expired token with 4401 at its expiry', async () => {
    const token = await api.issuer.issue({ subject: 'test-short', role: 'auditor', projects: '*', ttlSeconds: 2 });
    const closed: Closed[] = [];
    const c = client(api.url, token, closed);
    const from = await ctx.fx.store.headPosition();
    // Nothing to do: the token runs out by itself.
    const ended = await liveThen(c, from, append, async () => undefined);
    await c.dispose();
    assert.equal(ended, 'closed');
    assert.deepEqual(closed, [{ code: 4401, reason: 'credentials expired: reconnect with a new token' }]);
  });
});
