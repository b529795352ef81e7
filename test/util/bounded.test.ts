import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bounded } from '../../src/util/bounded.js';

describe('bounded (shutdown steps)', () => {
  it('given a step that never ends, when bounded, then it gives up after the limit and says so once', async () => {
    const said: number[] = [];
    const outcome = await bounded(new Promise(() => undefined), 30, (ms) => said.push(ms));
    assert.equal(outcome, 'late');
    assert.deepEqual(said, [30]);
  });

  it('given a step that ends or fails in time, when bounded, then it goes on without a word', async () => {
    const said: number[] = [];
    assert.equal(await bounded(Promise.resolve(1), 1_000, (ms) => said.push(ms)), 'done');
    assert.equal(await bounded(Promise.reject(new Error('closed twice')), 1_000, (ms) => said.push(ms)), 'done');
    assert.equal(await bounded(undefined, 1_000, (ms) => said.push(ms)), 'done');
    assert.deepEqual(said, []);
  });
});
