/**
 * promote refuses bad input with exit 2, the input named and nothing written: unknown environments, a
 * source equal to its target, a cycle in promote-from, and wrong values of every other input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { promoteStep } from '../../../src/steps/promote/step.ts';
import { defaultPromoteDeps } from '../../../src/steps/promote/deps.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { batonYaml, kustomization, USER } from '../../helpers/promote-fixture.ts';

const TOKEN = 'promote-bad-token-9f0a1';
const IMAGES = { '127.0.0.1:1/acme/api': `1.0.0@sha256:${'a'.repeat(64)}` };

describe('promote refuses bad input: exit 2, the input named, nothing pushed', () => {
  let server: GitServer;
  const step = promoteStep(defaultPromoteDeps({}));
  const promote = (repo: string, inputs: Record<string, string>) => runInMemory(step, { repo: server.url(repo), token: TOKEN, ...inputs });

  before(async () => {
    server = await startGitServer({ users: { [USER]: TOKEN } });
    const envs = { 'envs/staging/kustomization.yaml': kustomization(IMAGES), 'envs/production/kustomization.yaml': kustomization(IMAGES) };
    await server.createRepo('env', { 'baton.yaml': batonYaml('  qa:\n    path: envs/staging\n'), ...envs });
    const cycle =
      'environments:\n  staging:\n    path: envs/staging\n    promote-from: production\n  production:\n    path: envs/production\n   ' +
      ' promote-from: staging\n';
    await server.createRepo('cyclic', { 'baton.yaml': cycle, ...envs });
    await server.createRepo('bare', envs);
  });
  after(() => server.stop());

  const cases: Array<[string, string, Record<string, string>, string, RegExp]> = [
    [
      'unknown target environment',
      'env',
      { to: 'prod' },
      'to',
      /to: "prod" is not an environment in baton\.yaml \(known: staging, production, qa\)/,
    ],
    ['unknown source environment', 'env', { from: 'dev', to: 'production' }, 'from', /from: "dev" is not an environment in baton\.yaml/],
    ['from equal to to', 'env', { from: 'production', to: 'production' }, 'from', /from: "production" is also a target/],
    ['a target without promote-from', 'env', { to: 'staging' }, 'from', /from: "staging" has no promote-from in baton\.yaml; give from/],
    ['the same directory', 'env', { from: 'qa', to: 'staging' }, 'from', /from: "qa" and "staging" are the same directory/],
    [
      'a cycle in promote-from',
      'cyclic',
      { to: 'production' },
      'baton.yaml',
      /baton\.yaml: promote-from forms a cycle \((staging → production → staging|production → staging → production)\)/,
    ],
    ['no baton.yaml', 'bare', { to: 'production' }, 'to', /to: promote needs baton\.yaml/],
    ['a target given twice', 'env', { to: 'production,production' }, 'to', /to: "production" is given twice/],
    [
      'an image the source does not hold',
      'env',
      { to: 'production', image: 'ghcr.io/acme/nope', 'require-verified': 'false' },
      'image',
      /image: ghcr\.io\/acme\/nope is not in staging/,
    ],
    [
      'an image with a tag',
      'env',
      { to: 'production', image: '127.0.0.1:1/acme/api:2.0.0', 'require-verified': 'false' },
      'image',
      /image: give the name only/,
    ],
    ['a soak that is not a duration', 'env', { to: 'production', soak: 'a while' }, 'soak', /soak: "a while" is not a duration/],
    [
      'soak without verification',
      'env',
      { to: 'production', soak: '1h', 'require-verified': 'false' },
      'soak',
      /soak: a soak time is measured from the verification record/,
    ],
    [
      'copy-to without a registry host',
      'env',
      { to: 'production', 'copy-to': 'prod/team' },
      'copy-to',
      /copy-to: "prod\/team" must start with a registry host/,
    ],
    [
      'copy-to with a tag',
      'env',
      { to: 'production', 'copy-to': 'registry.example.com/team:1' },
      'copy-to',
      /copy-to: .* must be a registry and optional path, without tag or digest/,
    ],
    ['tag-as outside the tag grammar', 'env', { to: 'production', 'tag-as': '-prod' }, 'tag-as', /tag-as: "-prod" is not a valid tag/],
    [
      'pin tag (promote always writes the digest)',
      'env',
      { to: 'production', pin: 'tag' },
      'pin',
      /pin: "tag" is not one of tag\+digest, digest/,
    ],
    ['bad author', 'env', { to: 'production', author: 'nobody' }, 'author', /author: "nobody" is not "Name <email>"/],
  ];
  for (const [title, repo, inputs, input, message] of cases) {
    it(title, async () => {
      const before = await server.log(repo, 'main');
      const result = await promote(repo, inputs);
      assert.equal(result.code, 2, `${title}: ${result.error}`);
      assert.match(result.error ?? '', message);
      assert.ok(result.error?.startsWith(`${input}:`), `the message starts with ${input}: ${result.error}`);
      assert.deepEqual(await server.log(repo, 'main'), before, 'nothing was pushed');
    });
  }
});
