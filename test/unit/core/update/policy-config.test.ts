import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseEnvRepoConfig } from '../../../../src/core/env-config.ts';
import { UserError } from '../../../../src/core/errors.ts';

const config = (policy: string) =>
  `policies:\n  web:\n    image: ghcr.io/acme/web\n${policy}environments:\n  staging:\n    path: envs/staging\n    update: [web]\n`;

function rejects(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseEnvRepoConfig(text),
    (error: unknown) => error instanceof UserError && pattern.test(error.message),
  );
}

describe('update policies in baton.yaml', () => {
  test('shared and inline policies, resolved per environment; names map markers to images', () => {
    const parsed = parseEnvRepoConfig(
      [
        'policies:',
        '  web: { image: ghcr.io/acme/web, strategy: semver, range: "^1" }',
        '  legacy: ghcr.io/acme/old',
        'environments:',
        '  staging:',
        '    path: envs/staging',
        '    update:',
        '      - web',
        '      - { image: redis, strategy: numerical, filter: { pattern: "^(?P<n>[0-9]+)-alpine$", extract: "$n" } }',
        '  production:',
        '    path: envs/production',
        '',
      ].join('\n'),
    );
    const staging = parsed.environments.get('staging')!;
    assert.deepEqual(
      staging.update?.map((p) => [p.name, p.image, p.strategy]),
      [
        ['web', 'ghcr.io/acme/web', 'semver'],
        ['redis', 'docker.io/library/redis', 'numerical'],
      ],
    );
    assert.equal(parsed.environments.get('production')!.update, undefined);
    assert.deepEqual(parsed.policies, { legacy: 'ghcr.io/acme/old', web: 'ghcr.io/acme/web', redis: 'docker.io/library/redis' });
  });
  test('an invalid semver range names the policy', () =>
    rejects(config('    strategy: semver\n    range: ">>1.0"\n'), /policies\.web\.range: ">>1\.0" is not a valid semver range/));
  test('an extract naming a group the pattern lacks names the policy', () =>
    rejects(
      config('    strategy: numerical\n    filter: { pattern: "^main-(\\\\d+)$", extract: "$ts" }\n'),
      /policies\.web\.filter\.extract: "\$ts" refers to group "ts"/,
    ));
  test('an unknown strategy names the policy and the known ones', () =>
    rejects(
      config('    strategy: newest\n'),
      /policies\.web\.strategy: unknown strategy "newest" \(known: semver, alphabetical, numerical, newest-build, digest\)/,
    ));
  test('a bad pattern, a tagged image, an unknown key, an unknown reference', () => {
    rejects(
      config('    strategy: alphabetical\n    allow: ["regexp:("]\n'),
      /policies\.web\.allow\[0\]: "\(" is not a valid regular expression/,
    );
    rejects('policies:\n  web: { image: "ghcr.io/acme/web:1.0", strategy: semver }\nenvironments: {}\n', /carries a tag or digest/);
    rejects(config('    strategy: semver\n    ranges: "^1"\n'), /unknown key "ranges"/);
    rejects(
      'environments:\n  staging:\n    path: envs/staging\n    update: [nope]\n',
      /environments\.staging\.update\[0\]: names policy "nope"/,
    );
    rejects(config('    strategy: semver\n    platform: amd64\n'), /policies\.web\.platform: "amd64" is not os\/arch/);
  });
});
