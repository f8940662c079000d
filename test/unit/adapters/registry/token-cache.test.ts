import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenCache } from '../../../../src/adapters/registry/token-cache.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const key = { realm: 'https://auth/token', service: 'reg', scopes: ['repository:a:pull'], account: 'alice' };

describe('TokenCache', () => {
  it('keeps a token until shortly before it expires', () => {
    const time = clock();
    const cache = new TokenCache({ now: time.now, leewayMs: 5_000 });
    cache.set(key, 't1', 300);
    time.advance(294_000);
    assert.equal(cache.get(key), 't1');
    time.advance(1_001);
    assert.equal(cache.get(key), undefined);
    assert.equal(cache.size, 0);
  });

  it('assumes 60 seconds when expires_in is missing (token spec default)', () => {
    const time = clock();
    const cache = new TokenCache({ now: time.now, leewayMs: 0 });
    cache.set(key, 't1', undefined);
    time.advance(59_999);
    assert.equal(cache.get(key), 't1');
    time.advance(1);
    assert.equal(cache.get(key), undefined);
  });

  it('never lets the leeway eat more than a tenth of a short lifetime', () => {
    const time = clock();
    const cache = new TokenCache({ now: time.now, leewayMs: 60_000 });
    cache.set(key, 't1', 10);
    time.advance(8_999);
    assert.equal(cache.get(key), 't1');
  });

  it('keys by realm, service, scope set and account; scope order does not matter', () => {
    const cache = new TokenCache();
    cache.set({ ...key, scopes: ['repository:a:pull', 'repository:b:pull'] }, 'two', 300);
    assert.equal(cache.get({ ...key, scopes: ['repository:b:pull', 'repository:a:pull'] }), 'two');
    assert.equal(cache.get(key), undefined);
    assert.equal(cache.get({ ...key, scopes: ['repository:a:pull', 'repository:b:pull'], account: 'bob' }), undefined);
    assert.equal(cache.get({ ...key, scopes: ['repository:a:pull', 'repository:b:pull'], service: 'other' }), undefined);
    assert.equal(cache.get({ ...key, scopes: ['repository:a:pull', 'repository:b:pull'], realm: 'https://other/token' }), undefined);
  });

  it('a pull token never answers for push', () => {
    const cache = new TokenCache();
    cache.set(key, 'pull-only', 300);
    assert.equal(cache.get({ ...key, scopes: ['repository:a:pull,push'] }), undefined);
  });

  it('forgets a refused token', () => {
    const cache = new TokenCache();
    cache.set(key, 't1', 300);
    cache.delete(key);
    assert.equal(cache.get(key), undefined);
  });
});
