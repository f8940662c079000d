import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../../../src/core/errors.ts';
import { familiarName, formatFamiliar, formatImageRef, parseImageRef, sameImage, validateTag } from '../../../src/core/image-ref.ts';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef: valid references', () => {
  const cases: Array<[string, string, string, string | undefined, string | undefined]> = [
    // input, registry, repository, tag, digest
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['library/nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['docker.io/nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['index.docker.io/library/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['registry-1.docker.io/acme/api:2', 'docker.io', 'acme/api', '2', undefined],
    ['acme/api:1.4.2', 'docker.io', 'acme/api', '1.4.2', undefined],
    ['ghcr.io/acme/api:1.4.2', 'ghcr.io', 'acme/api', '1.4.2', undefined],
    ['GHCR.IO/Acme/API:V1', 'ghcr.io', 'acme/api', 'V1', undefined],
    ['localhost:5000/app:1', 'localhost:5000', 'app', '1', undefined],
    ['localhost/app', 'localhost', 'app', undefined, undefined],
    ['127.0.0.1:5000/team/app:sha-abc1234', '127.0.0.1:5000', 'team/app', 'sha-abc1234', undefined],
    ['[::1]:5000/app:1', '[::1]:5000', 'app', '1', undefined],
    ['registry.example.com/a/b/c/d:2024-06-27', 'registry.example.com', 'a/b/c/d', '2024-06-27', undefined],
    [`ghcr.io/acme/api@${D}`, 'ghcr.io', 'acme/api', undefined, D],
    [`ghcr.io/acme/api:1.4.2@${D}`, 'ghcr.io', 'acme/api', '1.4.2', D],
    ['my.registry:443/x_y__z/a-b--c.d:tag_1.0-rc.1', 'my.registry:443', 'x_y__z/a-b--c.d', 'tag_1.0-rc.1', undefined],
    ['foo:5000', 'docker.io', 'library/foo', '5000', undefined],
    [`nginx@sha512:${'b'.repeat(128)}`, 'docker.io', 'library/nginx', undefined, `sha512:${'b'.repeat(128)}`],
  ];
  for (const [input, registry, repository, tag, digest] of cases) {
    test(input.length > 60 ? `${input.slice(0, 60)}…` : input, () => {
      const ref = parseImageRef(input);
      assert.equal(ref.registry, registry);
      assert.equal(ref.repository, repository);
      assert.equal(ref.tag, tag);
      assert.equal(ref.digest, digest);
    });
  }
});

describe('parseImageRef: invalid references name the offending part', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /required/],
    ['   ', /required/],
    ['nginx:', /not a valid tag: it is empty/],
    ['nginx:-bad', /starts with "-"/],
    ['nginx:.bad', /starts with "\."/],
    ['nginx:bad+tag', /"\+" is not allowed/],
    [`nginx:${'x'.repeat(129)}`, /129 characters long/],
    ['nginx@sha256:abc', /needs 64 lowercase hex/],
    [`nginx@sha256:${'A'.repeat(64)}`, /needs 64 lowercase hex/],
    ['nginx@md5', /not a valid digest/],
    [`nginx@${D}@${D}`, /more than one "@"/],
    ['nginx latest', /white space/],
    ['ghcr.io//api', /empty path component/],
    ['ghcr.io/acme/-api', /path component "-api"/],
    ['ghcr.io/acme/api_', /path component "api_"/],
    ['bad_host.io:5000/app', /registry "bad_host.io:5000"/],
    ['host.io:port/app', /port "port"/],
    [':1.0', /name is empty/],
    [`ghcr.io/${'a'.repeat(260)}`, /longer than 255/],
  ];
  for (const [input, message] of cases) {
    test(JSON.stringify(input.slice(0, 40)), () => {
      assert.throws(
        () => parseImageRef(input, 'image'),
        (error: unknown) =>
          error instanceof UserError && error.input === 'image' && message.test(error.message) && error.message.startsWith('image:'),
      );
    });
  }
});

describe('formatting and comparing', () => {
  test('canonical and familiar forms', () => {
    const ref = parseImageRef(`nginx:1.25@${D}`);
    assert.equal(formatImageRef(ref), `docker.io/library/nginx:1.25@${D}`);
    assert.equal(formatFamiliar(ref), `nginx:1.25@${D}`);
    assert.equal(familiarName(parseImageRef('acme/api')), 'acme/api');
    assert.equal(familiarName(parseImageRef('ghcr.io/acme/api')), 'ghcr.io/acme/api');
  });
  test('sameImage ignores tag, digest and spelling', () => {
    assert.ok(sameImage(parseImageRef('nginx:1'), parseImageRef('docker.io/library/nginx@' + D)));
    assert.ok(!sameImage(parseImageRef('nginx'), parseImageRef('ghcr.io/nginx')));
  });
  test('validateTag accepts the grammar and names the input', () => {
    assert.equal(validateTag('v1.2.3_rc-1'), 'v1.2.3_rc-1');
    assert.throws(() => validateTag('a/b', 'new-tag'), /^UserError: new-tag: "a\/b" is not a valid tag/);
  });
});
