import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isRetriableStatus,
  isTransient,
  networkFailure,
  parseRetryAfter,
  RetriableError,
  withHttpRetry,
} from '../../../../src/adapters/registry/http.ts';
import { nextPageUrl } from '../../../../src/adapters/registry/responses.ts';
import { TransientError, UserError } from '../../../../src/core/errors.ts';

function codeError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('isRetriableStatus', () => {
  for (const status of [408, 429, 500, 502, 503, 504]) it(`retries ${status}`, () => assert.equal(isRetriableStatus(status), true));
  for (const status of [400, 401, 403, 404, 501, 505]) it(`does not retry ${status}`, () => assert.equal(isRetriableStatus(status), false));
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => assert.equal(parseRetryAfter('3'), 3000));
  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now), 5000);
  });
  it('never goes below zero for a date in the past', () => assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.now()), 0));
  it('ignores nonsense', () => {
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});

describe('networkFailure', () => {
  const url = new URL('https://reg.example:5000/v2/');
  it('retries resets, refusals and undici socket errors', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT']) {
      assert.ok(networkFailure(codeError(code), url) instanceof RetriableError, code);
    }
    const wrapped = Object.assign(new Error('fetch failed'), { cause: codeError('ECONNRESET') });
    assert.ok(isTransient(wrapped));
  });
  it('tells the user how to trust a private CA', () => {
    const error = networkFailure(codeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), url);
    assert.ok(error instanceof UserError);
    assert.match(error.message, /certs\.d\/reg\.example:5000\/ca\.crt/);
    assert.match(error.message, /NODE_EXTRA_CA_CERTS/);
  });
  it('tells the user about insecure registries when the server speaks plain HTTP', () => {
    const error = networkFailure(codeError('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), url);
    assert.ok(error instanceof UserError);
    assert.match(error.message, /insecure/);
  });
  it('does not retry an unknown host or a bug', () => {
    assert.ok(networkFailure(codeError('ENOTFOUND'), url) instanceof UserError);
    const bug = new TypeError('x is not a function');
    assert.equal(networkFailure(bug, url), bug);
    assert.equal(isTransient(bug), false);
  });
});

describe('withHttpRetry', () => {
  const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 10_000, random: () => 0.5 };

  it('waits at least as long as Retry-After asks', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withHttpRetry({ ...policy, sleep: async (ms) => void waits.push(ms) }, async () => {
      calls++;
      if (calls === 1) throw new RetriableError('503', { status: 503, retryAfterMs: 2000 });
      if (calls === 2) throw new RetriableError('503', { status: 503 });
      return 'ok';
    });
    assert.equal(result, 'ok');
    assert.deepEqual(waits, [2000, 150]);
  });

  it('gives up at once when Retry-After is beyond the bound', async () => {
    let calls = 0;
    await assert.rejects(
      withHttpRetry({ ...policy, sleep: async () => {} }, async () => {
        calls++;
        throw new RetriableError('429', { status: 429, retryAfterMs: 3_600_000 });
      }),
      RetriableError,
    );
    assert.equal(calls, 1);
  });

  it('never retries a user error and stops after the attempts', async () => {
    let calls = 0;
    await assert.rejects(
      withHttpRetry({ ...policy, sleep: async () => {} }, async () => {
        calls++;
        throw new UserError('bad');
      }),
      UserError,
    );
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(
      withHttpRetry({ ...policy, sleep: async () => {} }, async () => {
        calls++;
        throw new TransientError('flaky');
      }),
      TransientError,
    );
    assert.equal(calls, 4);
  });
});

describe('nextPageUrl', () => {
  const current = new URL('https://reg.example/v2/a/tags/list?n=2');
  it('follows rel="next" relative to the current page', () => {
    assert.equal(nextPageUrl('</v2/a/tags/list?last=b&n=2>; rel="next"', current)?.href, 'https://reg.example/v2/a/tags/list?last=b&n=2');
  });
  it('finds next among several links and unquoted rel', () => {
    assert.equal(nextPageUrl('</first>; rel="first", </v2/a/tags/list?last=c>; rel=next', current)?.pathname, '/v2/a/tags/list');
  });
  it('stops without a next link', () => {
    assert.equal(nextPageUrl(undefined, current), undefined);
    assert.equal(nextPageUrl('</prev>; rel="prev"', current), undefined);
  });
  it('refuses a link to another origin (it would carry credentials)', () => {
    assert.throws(() => nextPageUrl('<https://evil.example/v2/a/tags/list>; rel="next"', current), /another origin/);
  });
});
