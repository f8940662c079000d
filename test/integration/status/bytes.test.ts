/**
 * A file that is not valid UTF-8 under an environment: history reading cuts `cat-file --batch` output by
 * byte counts, so the other files read as they are. Before, every later blob slipped: status showed
 * nothing (or, crafted, a tag the files do not hold) and `rollback --to previous` failed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StatusMatrix } from '../../../src/core/history/status.ts';
import { historyStep } from '../../../src/steps/history/step.ts';
import { rollbackStep } from '../../../src/steps/rollback/step.ts';
import { statusStep } from '../../../src/steps/status/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { batonYaml, bump, kustomization, testHistoryDeps, USER } from '../../helpers/promote-fixture.ts';

const TOKEN = 'bytes-token-3e8a1';
const API = 'ghcr.io/acme/api';
const NOW = Date.parse('2030-01-01T00:00:00Z');

/** A YAML file whose comment holds bytes that are not UTF-8; it sorts before kustomization.yaml. */
const NOT_UTF8 = Buffer.concat([
  Buffer.from('# notes: '),
  Buffer.alloc(64, 0xff),
  Buffer.from(' see the runbook for details\nconfigMapGenerator: []\n'),
]);

describe('history reading with a file that is not UTF-8', () => {
  let server: GitServer;
  const deps = testHistoryDeps(() => NOW);
  before(async () => {
    server = await startGitServer({ users: { [USER]: TOKEN } });
    await server.createRepo('env', {
      'baton.yaml': batonYaml(),
      'envs/staging/kustomization.yaml': kustomization({ [API]: '1.0.0' }),
      'envs/production/kustomization.yaml': kustomization({ [API]: '1.0.0' }),
    });
    await server.commitFiles('env', 'main', { 'envs/staging/a-notes.yaml': NOT_UTF8 }, 'staging: notes');
    assert.equal((await bump(server, 'env', TOKEN, { env: 'staging', image: `${API}:1.1.0` })).code, 0);
  });
  after(() => server.stop());

  it('status shows the tag the files hold', async () => {
    const result = await runInMemory(statusStep(deps), { repo: server.url('env'), token: TOKEN });
    assert.equal(result.code, 0, result.error);
    const matrix = JSON.parse(result.outputs['matrix']!) as StatusMatrix;
    const api = matrix.rows.find((r) => r.image === API)!;
    assert.equal(api.cells['staging']!.tag, '1.1.0');
  });

  it('history lists the bump with its old and new tag', async () => {
    const result = await runInMemory(historyStep(deps), { repo: server.url('env'), token: TOKEN, env: 'staging' });
    assert.equal(result.code, 0, result.error);
    assert.match(result.summary, /1\.0\.0/);
    assert.match(result.summary, /1\.1\.0/);
  });

  it('rollback --to previous lands the previous tag', async () => {
    const result = await runInMemory(rollbackStep(deps), { repo: server.url('env'), token: TOKEN, env: 'staging', reason: 'errors' });
    assert.equal(result.code, 0, result.error);
    const text = (await server.readFile('env', 'main', 'envs/staging/kustomization.yaml'))!;
    assert.match(text, /newTag: 1\.0\.0/);
    const notes = await server.readFile('env', 'main', 'envs/staging/a-notes.yaml');
    assert.ok(notes !== undefined);
  });
});
