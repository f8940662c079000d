import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findChallenge, parseChallenges, preferredChallenge } from '../../../../src/adapters/registry/challenge.ts';

describe('parseChallenges', () => {
  const table: { name: string; header: string; expected: ReturnType<typeof parseChallenges> }[] = [
    {
      name: 'Docker Hub bearer challenge',
      header: 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      expected: [
        {
          scheme: 'bearer',
          params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
        },
      ],
    },
    {
      name: 'basic realm',
      header: 'Basic realm="Registry Realm"',
      expected: [{ scheme: 'basic', params: { realm: 'Registry Realm' } }],
    },
    {
      name: 'two challenges in one header, a comma inside a quoted scope',
      header: 'Bearer realm="https://a.example/token",service="reg",scope="repository:x/y:pull,push", Basic realm="fallback"',
      expected: [
        { scheme: 'bearer', params: { realm: 'https://a.example/token', service: 'reg', scope: 'repository:x/y:pull,push' } },
        { scheme: 'basic', params: { realm: 'fallback' } },
      ],
    },
    {
      name: 'escaped quotes and backslashes in a quoted value',
      header: 'Newauth realm="apps", type=1, title="Login to \\"apps\\" \\\\ now", Basic realm="simple"',
      expected: [
        { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps" \\ now' } },
        { scheme: 'basic', params: { realm: 'simple' } },
      ],
    },
    {
      name: 'case-insensitive scheme and parameter names, spaces around "="',
      header: 'BEARER Realm = "https://r/t" , Service=svc',
      expected: [{ scheme: 'bearer', params: { realm: 'https://r/t', service: 'svc' } }],
    },
    {
      name: 'insufficient_scope error from a registry',
      header: 'Bearer realm="https://r/t",service="s",scope="repository:a:pull,push",error="insufficient_scope"',
      expected: [
        { scheme: 'bearer', params: { realm: 'https://r/t', service: 's', scope: 'repository:a:pull,push', error: 'insufficient_scope' } },
      ],
    },
    {
      name: 'a scheme without parameters followed by another',
      header: 'Negotiate, Basic realm="x"',
      expected: [
        { scheme: 'negotiate', params: {} },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    },
    {
      name: 'token68',
      header: 'Negotiate a87421000492aa874209af8bc028==, Basic realm="x"',
      expected: [
        { scheme: 'negotiate', params: {}, token68: 'a87421000492aa874209af8bc028==' },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    },
    { name: 'empty header', header: '', expected: [] },
    {
      name: 'unterminated quote keeps what it has',
      header: 'Bearer realm="https://r/t',
      expected: [{ scheme: 'bearer', params: { realm: 'https://r/t' } }],
    },
  ];
  for (const row of table) {
    it(row.name, () => assert.deepEqual(parseChallenges(row.header), row.expected));
  }

  it('reads several header lines', () => {
    const parsed = parseChallenges(['Basic realm="a"', 'Bearer realm="https://b/t"']);
    assert.deepEqual(
      parsed.map((c) => c.scheme),
      ['basic', 'bearer'],
    );
  });

  it('returns nothing for a missing header', () => assert.deepEqual(parseChallenges(undefined), []));
});

describe('preferredChallenge', () => {
  it('prefers Bearer over Basic whatever the order', () => {
    const parsed = parseChallenges('Basic realm="a", Bearer realm="https://b/t"');
    assert.equal(preferredChallenge(parsed)?.scheme, 'bearer');
    assert.equal(findChallenge(parsed, 'BASIC')?.params.realm, 'a');
  });
  it('is undefined for unknown schemes only', () => assert.equal(preferredChallenge(parseChallenges('Negotiate')), undefined));
});
