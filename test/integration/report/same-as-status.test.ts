/**
 * The report's matrix is status's matrix: the same env repo (an environment on a branch of its own, a
 * digest pin, a verdict, a rollback with its hold), written by the real steps over smart HTTP, read both
 * ways. And the report's model sees the same story: a deploy, a promotion-free bump, a rollback.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { StatusMatrix } from '../../../src/core/history/status.ts';
import { defaultReportDeps, reportStep } from '../../../src/steps/report/step.ts';
import { rollbackStep } from '../../../src/steps/rollback/step.ts';
import { statusStep } from '../../../src/steps/status/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { bump, kustomization, recordVerification, testHistoryDeps, USER } from '../../helpers/promote-fixture.ts';

const TOKEN = 'report-status-token-3b9d';
const API = 'ghcr.io/acme/api';
const WEB = 'ghcr.io/acme/web';
const DIGEST = `sha256:${'e'.repeat(64)}`;
const NOW = Date.parse('2030-01-01T00:00:00Z');

describe('report and status agree', () => {
  let server: GitServer;
  let work: string;

  before(async () => {
    server = await startGitServer({ users: { [USER]: TOKEN } });
    work = await mkdtemp(join(tmpdir(), 'baton-report-status-'));
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
      rollbackStep(testHistoryDeps(() => NOW)),
      { repo: server.url('env'), token: TOKEN, env: 'production', reason: 'errors' },
      { GITLAB_USER_LOGIN: 'bob', CI_PROJECT_URL: 'https://gl.example/acme/app' },
    );
    assert.equal(back.code, 0, back.error);
  });
  after(async () => {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('shows the same matrix as status, environments on their own branches included', async () => {
    const status = await runInMemory(statusStep(testHistoryDeps(() => NOW)), { repo: server.url('env'), token: TOKEN });
    const report = await runInMemory(reportStep({ ...defaultReportDeps({}), now: () => NOW }), {
      repo: server.url('env'),
      token: TOKEN,
      out: join(work, 'site'),
    });
    assert.equal(status.code, 0, status.error);
    assert.equal(report.code, 0, report.error);
    const fromStatus = JSON.parse(status.outputs['matrix']!) as StatusMatrix;
    const fromReport = JSON.parse(report.outputs['matrix']!) as StatusMatrix;
    assert.deepEqual(fromReport, fromStatus);
    assert.equal(fromReport.rows.find((r) => r.image === API)!.cells['production']!.hold?.actor, 'bob');
    assert.equal(fromReport.rows.find((r) => r.image === API)!.cells['edge']!.tag, '0.9.0');
  });

  it('tells the story: deploys, the verdict, the rollback and its hold', async () => {
    const report = await runInMemory(reportStep({ ...defaultReportDeps({}), now: () => NOW }), {
      repo: server.url('env'),
      token: TOKEN,
      out: join(work, 'site'),
    });
    const metrics = JSON.parse(report.outputs['metrics']!) as Record<string, { deployments: number; changeFailureRate: number | null }[]>;
    // production: the first state, the bump to 1.1.0 (rolled back: a failed change), the rollback.
    assert.deepEqual(
      metrics['production']!.map((m) => [m.deployments, m.changeFailureRate]),
      [[2, 0.5]],
    );
    assert.match(report.summary, /section production\n(?:.*\n)*.*rollback api 1\.1\.0 → 1\.0\.0 \(errors\)/);
    assert.match(report.summary, /hold placed on ghcr\.io\/acme\/api|hold placed on api/);
  });
});
