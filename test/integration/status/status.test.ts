/**
 * status over a real smart-HTTP git server: the matrix of images × environments with tag, digest, the
 * commit that set the value and its age, the verdict on the commit each environment runs, holds, and
 * which images differ — environments on their own branches included.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StatusMatrix } from '../../../src/core/history/status.ts';
import { rollbackStep } from '../../../src/steps/rollback/step.ts';
import { statusStep } from '../../../src/steps/status/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { bump, kustomization, recordVerification, testHistoryDeps, USER } from '../../helpers/promote-fixture.ts';

const TOKEN = 'status-token-6a2c8';
const API = 'ghcr.io/acme/api';
const WEB = 'ghcr.io/acme/web';
const DIGEST = `sha256:${'d'.repeat(64)}`;
const NOW = Date.parse('2030-01-01T00:00:00Z');

describe('status', () => {
  let server: GitServer;
  const deps = testHistoryDeps(() => NOW);
  const status = (inputs: Record<string, string> = {}) =>
    runInMemory(statusStep(deps), { repo: server.url('env'), token: TOKEN, ...inputs });

  before(async () => {
    server = await startGitServer({ users: { [USER]: TOKEN } });
    const yaml =
      'environments:\n  staging:\n    path: envs/staging\n  production:\n    path: envs/production\n    promote-from: staging\n  ' +
      'edge:\n    path: envs/edge\n    branch: edge\n';
    await server.createRepo('env', {
      'baton.yaml': yaml,
      'envs/staging/kustomization.yaml': kustomization({ [API]: '1.0.0', [WEB]: '2.0.0' }),
      'envs/production/kustomization.yaml': kustomization({ [API]: '1.0.0', [WEB]: '2.0.0' }),
    });
    await server.createBranch('env', 'edge', 'main');
    await server.commitFiles('env', 'edge', { 'envs/edge/values.yaml': `image:\n  repository: ${API}\n  tag: "0.9.0"\n` }, 'edge: add api');
    assert.equal((await bump(server, 'env', TOKEN, { env: 'staging', image: `${API}:1.1.0@${DIGEST}`, pin: 'tag+digest' })).code, 0);
    await recordVerification(server, 'env', TOKEN, { env: 'staging', time: '2029-12-31T23:00:00Z' });
    assert.equal((await bump(server, 'env', TOKEN, { env: 'production', image: `${API}:1.1.0` })).code, 0);
    const back = await runInMemory(
      rollbackStep(deps),
      { repo: server.url('env'), token: TOKEN, env: 'production', reason: 'errors' },
      { GITLAB_USER_LOGIN: 'bob', CI_PROJECT_URL: 'https://gl.example/acme/app' },
    );
    assert.equal(back.code, 0, back.error);
  });
  after(() => server.stop());

  it('shows every image in every environment, the differences, verdicts and holds', async () => {
    const result = await status();
    assert.equal(result.code, 0, result.error);
    const matrix = JSON.parse(result.outputs['matrix']!) as StatusMatrix;
    assert.deepEqual(
      matrix.environments.map((e) => [e.name, e.branch, e.verdict ?? '']),
      [
        ['staging', 'main', 'healthy'],
        ['production', 'main', ''],
        ['edge', 'edge', ''],
      ],
    );
    const api = matrix.rows.find((r) => r.image === API)!;
    assert.equal(api.differs, true);
    assert.deepEqual(
      { tag: api.cells['staging']!.tag, digest: api.cells['staging']!.digest, verdict: api.cells['staging']!.verdict },
      { tag: '1.1.0', digest: DIGEST, verdict: 'healthy' },
    );
    assert.equal(api.cells['production']!.tag, '1.0.0');
    assert.deepEqual(api.cells['production']!.hold, { actor: 'bob', time: '2030-01-01T00:00:00.000Z', reason: 'errors' });
    assert.equal(api.cells['edge']!.tag, '0.9.0');
    assert.ok(api.cells['staging']!.ageMs! > 0 && typeof api.cells['staging']!.commit === 'string');
    const web = matrix.rows.find((r) => r.image === WEB)!;
    assert.equal(web.differs, true, 'edge lacks web');
    assert.equal(result.outputs['held'], `production ${API}`);
    assert.equal(result.outputs['differs'], `${API}\n${WEB}`);
    assert.match(result.summary, /\| Image \| staging \| production \| edge \| \|/);
    assert.match(result.summary, /\*\*held\*\* by bob: errors/);
  });

  it('env and image narrow the matrix; an unknown environment is refused', async () => {
    const result = await status({ env: 'production,staging', image: WEB });
    assert.equal(result.code, 0, result.error);
    const matrix = JSON.parse(result.outputs['matrix']!) as StatusMatrix;
    assert.deepEqual(
      matrix.environments.map((e) => e.name),
      ['production', 'staging'],
    );
    assert.deepEqual(
      matrix.rows.map((r) => [r.image, r.differs]),
      [[WEB, false]],
    );
    const bad = await status({ env: 'qa' });
    assert.equal(bad.code, 2);
    assert.match(bad.error ?? '', /^env: "qa" is not an environment in baton\.yaml \(known: staging, production, edge\)/);
  });
});
