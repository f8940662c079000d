/**
 * dist/verify/index.cjs run the way the GitHub runner runs it, against the Kubernetes API test server
 * (rollouts played in real time), a git server holding the env repo, and the GitHub API test server.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseVerdictNote } from '../../src/core/verify/verdict-note.ts';
import { type GitServer, startGitServer } from '../helpers/git-server.ts';
import { gitIn } from '../helpers/git-temp.ts';
import { type GitHubApi, startGitHubApi } from '../helpers/github-api.ts';
import { type KubeApiServer, realScheduler, startKubeApi } from '../helpers/kube-api.ts';
import { runAction } from '../helpers/runner.ts';
import { seedDeployment, startRollout } from '../helpers/rollout-scenarios.ts';

const TOKEN = 'gh-verify-token-6a0c2';
const FILES = {
  'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n',
  'envs/staging/web.yaml': 'image: ghcr.io/acme/web:1.1.0\n',
};

describe('dist/verify/index.cjs run as the GitHub runner runs it', () => {
  const scheduler = realScheduler();
  let kube: KubeApiServer;
  let git: GitServer;
  let github: GitHubApi;
  let head: string;
  const inputs = (target: string, image: string) => ({
    targets: target,
    kubeconfig: kube.kubeconfig(),
    'expected-image': image,
    timeout: '60s',
    interval: '200ms',
    grace: '1s',
    repo: git.url('acme/env'),
    env: 'staging',
    token: TOKEN,
  });
  const runnerEnv = () => ({
    GITHUB_SERVER_URL: new URL(git.url('acme/env')).origin,
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_RUN_ID: '31',
  });
  const note = () => gitIn(join(git.root, 'acme/env.git'), ['notes', '--ref=refs/notes/baton', 'show', head]);

  before(async () => {
    kube = await startKubeApi({ clock: { now: () => Date.now() } });
    git = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await git.createRepo('acme/env', FILES);
    head = (await git.head('acme/env', 'main'))!;
    github = await startGitHubApi({ tokens: { [TOKEN]: 'write' }, repos: [{ name: 'acme/env', commits: [head] }] });
    seedDeployment(kube, scheduler, { name: 'web', namespace: 'prod', replicas: 2 }, 'ghcr.io/acme/web:1.0.0');
    seedDeployment(kube, scheduler, { name: 'api', namespace: 'prod', replicas: 1 }, 'ghcr.io/acme/api:1.0.0');
  });
  after(async () => {
    scheduler.cancel();
    await Promise.all([kube.stop(), git.stop(), github.stop()]);
  });

  it('a healthy rollout: outputs in GITHUB_OUTPUT, a summary, the verdict noted and mirrored', async () => {
    startRollout(
      kube,
      scheduler,
      { name: 'web', namespace: 'prod', replicas: 2 },
      { image: 'ghcr.io/acme/web:1.1.0', behaviour: 'healthy', stepMs: 300 },
    );
    const run = await runAction('verify', inputs('deployment/prod/web', 'ghcr.io/acme/web:1.1.0'), runnerEnv());
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs['status'], 'healthy');
    assert.equal(run.outputs['recorded'], 'true');
    assert.equal(run.outputs['revision'], head);
    assert.equal(run.outputs['rollback'], '');
    assert.equal(JSON.parse(run.outputs['details'] ?? '[]')[0]?.target, 'deployment/prod/web');
    assert.match(run.summary, /staging/);
    assert.match(run.summary, /recorded on [0-9a-f]{12} under refs\/notes\/baton; mirrored as commit status baton\/verify\/staging/);
    assert.equal(parseVerdictNote(await note())[0]?.status, 'healthy');
    const runUrl = `${runnerEnv().GITHUB_SERVER_URL}/acme/app/actions/runs/31`;
    assert.deepEqual(
      github.statuses('acme/env', head).map((s) => [s.state, s.context, s.target_url]),
      [['success', 'baton/verify/staging', runUrl]],
    );
    assert.match(run.stdout, new RegExp(`::add-mask::${TOKEN}`));
    assert.doesNotMatch(run.stdout.replaceAll(`::add-mask::${TOKEN}`, '') + run.stderr, new RegExp(TOKEN));
  });

  it('a rollout stuck pulling its image: exit 1, outputs and summary still set, the failure recorded', async () => {
    startRollout(
      kube,
      scheduler,
      { name: 'api', namespace: 'prod', replicas: 1 },
      { image: 'ghcr.io/acme/api:9.9.9', behaviour: 'image-pull' },
    );
    const run = await runAction('verify', inputs('deployment/prod/api', 'ghcr.io/acme/api:9.9.9'), runnerEnv());
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(run.outputs['status'], 'failed');
    assert.match(run.outputs['reason'] ?? '', /pull/i);
    assert.equal(run.outputs['recorded'], 'true');
    assert.match(run.summary, /failed/i);
    assert.match(run.stdout, /::error[^:]*::verify failed: /);
    assert.deepEqual(
      parseVerdictNote(await note()).map((r) => r.status),
      ['healthy', 'failed'],
    );
    assert.equal(github.statuses('acme/env', head)[0]?.state, 'failure');
  });
});
