import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normaliseRepoPath, parseEnvRepoConfig, resolveEnvironment } from '../../../src/core/env-config.ts';
import { UserError } from '../../../src/core/errors.ts';

const CONFIG = `environments:
  staging:
    path: envs/staging
  production:
    path: ./envs/production/
    promote-from: staging
    branch: main
    mode: pr
policies:
  flux-system:api: ghcr.io/acme/api
`;

describe('baton.yaml', () => {
  test('parses environments and policies', () => {
    const config = parseEnvRepoConfig(CONFIG);
    assert.deepEqual(config.environments.get('production'), {
      name: 'production',
      path: 'envs/production',
      branch: 'main',
      mode: 'pr',
      promoteFrom: 'staging',
    });
    assert.equal(config.policies['flux-system:api'], 'ghcr.io/acme/api');
  });
  const bad: Array<[string, RegExp]> = [
    ['environments:\n  staging:\n    path: [unclosed\n', /^baton\.yaml:\d+:\d+: /],
    ['environments:\n  staging:\n    path: a\n  staging:\n    path: b\n', /baton\.yaml:4:3: .*[Uu]nique|baton\.yaml:4:3/],
    ['environments:\n  staging:\n    pth: envs/staging\n', /unknown key "pth"/],
    ['environments:\n  staging:\n    path: ../outside\n', /leaves the repo/],
    ['environments:\n  staging:\n    path: /etc\n', /absolute/],
    ['environments:\n  staging:\n    path: envs/s\n    mode: merge\n', /mode must be push or pr/],
    ['environments:\n  prod:\n    path: envs/p\n    promote-from: qa\n', /promote-from names "qa"/],
    ['- a\n- b\n', /top level must be a mapping/],
    ['environment:\n  x: {}\n', /unknown top-level key "environment"/],
  ];
  for (const [text, message] of bad) {
    test(`rejects ${JSON.stringify(text.slice(0, 50))}`, () => {
      assert.throws(
        () => parseEnvRepoConfig(text),
        (e: unknown) => e instanceof UserError && message.test(e.message),
      );
    });
  }
});

describe('resolveEnvironment', () => {
  const config = parseEnvRepoConfig(CONFIG);
  test('by env', () => assert.equal(resolveEnvironment(config, { env: 'staging' }).path, 'envs/staging'));
  test('by path, without config', () => assert.equal(resolveEnvironment(undefined, { path: 'envs/x/' }).path, 'envs/x'));
  test('unknown env lists the known ones', () => {
    assert.throws(
      () => resolveEnvironment(config, { env: 'prod' }),
      /env: "prod" is not an environment in baton\.yaml \(known: staging, production\)/,
    );
  });
  test('env without baton.yaml', () => assert.throws(() => resolveEnvironment(undefined, { env: 'staging' }), /no baton\.yaml; give path/));
  test('both or neither', () => {
    assert.throws(() => resolveEnvironment(config, { env: 'staging', path: 'x' }), /give one of them/);
    assert.throws(() => resolveEnvironment(config, {}), /name an environment/);
  });
  test('paths that escape', () => {
    for (const path of ['../x', 'a/../../b', '/abs', 'a/.git/hooks', 'C:/x']) {
      assert.throws(() => normaliseRepoPath(path), UserError, path);
    }
    assert.equal(normaliseRepoPath('./a//b/./'), 'a/b');
    assert.equal(normaliseRepoPath('.'), '.');
  });
});
