/**
 * What verify does with its verdict: the outputs (always all of them), the summary, the record handed
 * to the recorder (a note line promote can read back), and the rollback hand-off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type KubeApiServer, manualClock, startKubeApi } from '../../helpers/kube-api.ts';
import { parseVerdictNote } from '../../../src/core/verify/verdict-note.ts';
import type { RollbackRequest } from '../../../src/steps/shared/rollback-handoff.ts';
import type { RecordRequest } from '../../../src/steps/verify/record.ts';
import { runVerifyStep, testDeps } from '../../helpers/verify-harness.ts';
import { seedDeployment, startRollout } from '../../helpers/rollout-scenarios.ts';

const SHA = '5f3c2d1e0b9a8f7e6d5c4b3a29180716253a4b5c';
const CI_ENV = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/app', GITHUB_RUN_ID: '42' };

describe('recording and hand-off', () => {
  const clock = manualClock();
  let api: KubeApiServer;
  before(async () => {
    api = await startKubeApi({ clock });
    seedDeployment(api, clock, { name: 'web', namespace: 'prod', replicas: 2 }, 'ghcr.io/acme/web:1.0.0');
    seedDeployment(api, clock, { name: 'bad', namespace: 'prod', replicas: 2 }, 'ghcr.io/acme/bad:1.0.0');
    startRollout(api, clock, { name: 'bad', namespace: 'prod', replicas: 2 }, { image: 'ghcr.io/acme/bad:2.0.0', behaviour: 'image-pull' });
  });
  after(() => api.stop());

  const healthy = () => ({
    targets: 'deployment/prod/web',
    kubeconfig: api.kubeconfig(),
    repo: 'https://git.example.com/acme/env.git',
    env: 'staging',
    'expected-revision': SHA,
    token: 'env-token',
  });
  const failing = () => ({ ...healthy(), targets: 'deployment/prod/bad', grace: '10s' });

  test('a healthy verdict is recorded on the expected revision as a note promote can read', async () => {
    const requests: RecordRequest[] = [];
    const recorder = {
      record: async (request: RecordRequest) => {
        requests.push(request);
        return { commit: SHA, mirrored: ['commit status baton/verify/staging'] };
      },
    };
    const run = await runVerifyStep(healthy(), testDeps(clock, { recorder }), CI_ENV);
    assert.equal(run.code, 0, run.message);
    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(request?.revision, SHA);
    assert.equal(request?.notesRef, 'refs/notes/baton');
    assert.equal(request?.token, 'env-token');
    const [note] = parseVerdictNote(request?.noteLine ?? '');
    assert.equal(note?.env, 'staging');
    assert.equal(note?.status, 'healthy');
    assert.equal(note?.revision, SHA);
    assert.equal(note?.runUrl, 'https://github.com/acme/app/actions/runs/42');
    assert.deepEqual(note?.targets, [{ target: 'deployment/prod/web', outcome: 'healthy', reason: 'rolled-out' }]);
    assert.equal(note?.images.length, 1);
    assert.deepEqual(run.result?.outputs, { ...run.result?.outputs, status: 'healthy', recorded: 'true', revision: SHA, rollback: '' });
    assert.match(
      run.result?.summary ?? '',
      /recorded on 5f3c2d1e0b9a under refs\/notes\/baton; mirrored as commit status baton\/verify\/staging/,
    );
    assert.ok(run.secrets.includes('env-token'));
  });

  test('a failed verdict is recorded too, and the outputs come with the failure', async () => {
    const requests: RecordRequest[] = [];
    const recorder = {
      record: async (request: RecordRequest) => {
        requests.push(request);
        return { commit: SHA, mirrored: [] };
      },
    };
    const run = await runVerifyStep(failing(), testDeps(clock, { recorder }));
    assert.equal(run.code, 1);
    assert.equal(parseVerdictNote(requests[0]?.noteLine ?? '')[0]?.reason, 'image-pull');
    assert.equal(run.result?.outputs['status'], 'failed');
    assert.equal(run.result?.outputs['recorded'], 'true');
    assert.deepEqual(
      run.result?.annotations.map((a) => a.level),
      ['error'],
    );
  });

  test('record: false, dry-run, and no repo record nothing', async () => {
    let calls = 0;
    const recorder = {
      record: async () => {
        calls++;
        return { commit: SHA, mirrored: [] };
      },
    };
    for (const raw of [
      { ...healthy(), record: 'false' },
      { ...healthy(), 'dry-run': 'true' },
      { targets: 'deployment/prod/web', kubeconfig: api.kubeconfig() },
    ]) {
      const run = await runVerifyStep(raw, testDeps(clock, { recorder }));
      assert.equal(run.code, 0, run.message);
      assert.equal(run.result?.outputs['recorded'], 'false');
    }
    assert.equal(calls, 0);
  });

  test('without a recorder connected, verify says the verdict was not recorded', async () => {
    const run = await runVerifyStep(healthy(), testDeps(clock));
    assert.equal(run.code, 0);
    assert.equal(run.result?.outputs['recorded'], 'false');
    assert.ok(run.logs.includes('warning: not recorded: this build of verify has no verdict recorder connected'));
  });

  test('a healthy verdict that cannot be recorded fails the step; a failed one stays the failure', async () => {
    const recorder = { record: async () => Promise.reject(new Error('push of refs/notes/baton rejected 5 times')) };
    const healthyRun = await runVerifyStep(healthy(), testDeps(clock, { recorder }));
    assert.equal(healthyRun.code, 1);
    assert.match(healthyRun.message, /^the verdict is healthy but recording it failed: push of refs\/notes\/baton rejected 5 times/);
    const failedRun = await runVerifyStep(failing(), testDeps(clock, { recorder }));
    assert.equal(failedRun.code, 1);
    assert.match(failedRun.message, /^verify failed: .*cannot pull/);
    assert.equal(failedRun.result?.outputs['recorded'], 'false');
  });

  test('on-failure: rollback hands the environment over and reports both', async () => {
    const handed: RollbackRequest[] = [];
    const rollback = {
      rollback: async (request: RollbackRequest) => {
        handed.push(request);
        return 'staging: rolled back ghcr.io/acme/bad to 1.0.0 (commit 0a1b2c3)';
      },
    };
    const run = await runVerifyStep({ ...failing(), 'on-failure': 'rollback', record: 'false' }, testDeps(clock, { rollback }));
    assert.equal(run.code, 1);
    assert.equal(handed[0]?.env, 'staging');
    assert.equal(handed[0]?.revision, SHA);
    assert.match(handed[0]?.reason ?? '', /cannot pull/);
    assert.equal(run.result?.outputs['rollback'], 'staging: rolled back ghcr.io/acme/bad to 1.0.0 (commit 0a1b2c3)');
    assert.match(run.result?.summary ?? '', /rollback: staging: rolled back/);
    const unavailable = await runVerifyStep({ ...failing(), 'on-failure': 'rollback', record: 'false' }, testDeps(clock));
    assert.equal(unavailable.result?.outputs['rollback'], 'on-failure: rollback is not available in this build; nothing was rolled back');
    const healthyRun = await runVerifyStep({ ...healthy(), 'on-failure': 'rollback', record: 'false' }, testDeps(clock, { rollback }));
    assert.equal(healthyRun.code, 0);
    assert.equal(handed.length, 1, 'a healthy verdict hands nothing over');
  });
});
