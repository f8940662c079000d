import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetriableError } from '../../../../src/adapters/registry/http.ts';
import { describeFailure, type FailureContext, NotFoundError } from '../../../../src/adapters/registry/registry-errors.ts';
import { UserError } from '../../../../src/core/errors.ts';

const base: FailureContext = {
  registry: 'ghcr.io',
  repository: 'acme/api',
  access: 'push',
  what: 'push the manifest 1.2 to ghcr.io/acme/api',
  searched: ['~/.docker/config.json (absent)'],
  scopes: ['repository:acme/api:pull,push'],
};
const withCredential: FailureContext = { ...base, credential: { username: 'ci', password: 'x', source: 'the username/password inputs' } };

function fail(
  status: number,
  errors: { code: string; message: string }[],
  ctx: FailureContext,
  headers: Record<string, string> = {},
): Error {
  return describeFailure({ status, headers }, errors, ctx);
}

describe('describeFailure', () => {
  it('401 with credentials names their source', () => {
    const error = fail(401, [{ code: 'UNAUTHORIZED', message: 'authentication required' }], withCredential);
    assert.ok(error instanceof UserError);
    assert.match(error.message, /rejected the credentials from the username\/password inputs/);
  });

  it('401 without credentials lists where it looked and how to log in', () => {
    const error = fail(401, [], base);
    assert.match(error.message, /needs credentials and none were found \(looked in: ~\/\.docker\/config\.json \(absent\)\)/);
    assert.match(error.message, /docker login ghcr\.io/);
  });

  it('403 DENIED names the refused scope and the credential source', () => {
    const error = fail(403, [{ code: 'DENIED', message: 'requested access to the resource is denied' }], withCredential);
    assert.match(error.message, /denied push access to acme\/api for the credentials from the username\/password inputs/);
    assert.match(error.message, /token scope "repository:acme\/api:pull,push" was not granted/);
  });

  it('401 insufficient_scope is a denial, not bad credentials', () => {
    const error = fail(401, [{ code: 'UNAUTHORIZED', message: 'authentication required' }], withCredential, {
      'www-authenticate': 'Bearer realm="https://t",service="s",scope="repository:acme/api:pull,push",error="insufficient_scope"',
    });
    assert.match(error.message, /denied push access/);
  });

  it('NAME_UNKNOWN says the repository does not exist', () => {
    const error = fail(404, [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }], base);
    assert.ok(error instanceof NotFoundError);
    assert.match(error.message, /repository ghcr\.io\/acme\/api does not exist/);
  });

  it('MANIFEST_UNKNOWN and a bare 404 are NotFoundErrors', () => {
    assert.ok(fail(404, [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }], base) instanceof NotFoundError);
    assert.ok(fail(404, [], base) instanceof NotFoundError);
  });

  it('TAG_INVALID says the tag was refused', () => {
    const error = fail(400, [{ code: 'TAG_INVALID', message: 'manifest tag did not match URI' }], base);
    assert.ok(error instanceof UserError);
    assert.match(error.message, /refused the tag/);
  });

  it('5xx, 408 and 429 are retriable with their Retry-After', () => {
    const error = fail(503, [], base, { 'retry-after': '7' });
    assert.ok(error instanceof RetriableError);
    assert.equal(error.retryAfterMs, 7000);
    assert.ok(fail(429, [{ code: 'TOOMANYREQUESTS', message: 'slow down' }], base) instanceof RetriableError);
    assert.ok(fail(408, [], base) instanceof RetriableError);
  });
});
