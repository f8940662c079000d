/**
 * dist/drift/index.cjs run the way the GitHub runner runs it, against the Kubernetes API test server and
 * the GitHub API test server: drift opens the environment's issue and marks the env-repo commit, the
 * fix closes the issue; tokens stay masked.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { type GitHubApi, startGitHubApi } from '../helpers/github-api.ts';
import { type KubeApiServer, startKubeApi } from '../helpers/kube-api.ts';
import { runAction } from '../helpers/runner.ts';

const TOKEN = 'gh-drift-token-41d7e';
const HEAD = '3f6c0b1d2e4a5968778695a4b3c2d1e0f9a8b7c6';
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'prod' }, data: { LOG_LEVEL: 'info' } };
const deployment = (image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'prod' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
  },
});

describe('dist/drift/index.cjs run as the GitHub runner runs it', () => {
  let kube: KubeApiServer;
  let github: GitHubApi;
  let dir: string;
  before(async () => {
    kube = await startKubeApi({ clock: { now: () => Date.now() } });
    github = await startGitHubApi({ tokens: { [TOKEN]: 'write' }, repos: [{ name: 'acme/env', commits: [HEAD] }] });
    dir = await mkdtemp(join(tmpdir(), 'baton-drift-e2e-'));
    await writeFile(
      join(dir, 'all.yaml'),
      [configMap, deployment('registry.example/shop/web:1.4.2')].map((d) => stringify(d)).join('---\n'),
    );
    kube.create(configMap);
    kube.create(deployment('registry.example/shop/web:hotfix'));
  });
  after(async () => {
    await Promise.all([kube.stop(), github.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  const inputs = () => ({
    path: dir,
    env: 'prod',
    render: 'none',
    kubeconfig: kube.kubeconfig(),
    alert: 'issue',
    'commit-status': 'true',
    repo: 'https://github.example/acme/env',
    token: TOKEN,
    reports: `json=${join(dir, 'out', 'drift.json')}`,
  });
  const runnerEnv = () => ({
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'acme/env',
    GITHUB_RUN_ID: '52',
    GITHUB_SHA: HEAD,
  });

  it('drift: exit 1, outputs and summary, the issue opened, the commit marked failure, the token masked', async () => {
    const run = await runAction('drift', inputs(), runnerEnv());
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(run.outputs['verdict'], 'drifted');
    assert.equal(run.outputs['changed'], '1');
    assert.equal(run.outputs['report-paths'], join(dir, 'out', 'drift.json'));
    assert.match(
      run.summary,
      /Deployment\/prod\/web \| changed \|.*image spec\.template\.spec\.containers\[name=web\]\.image: registry\.example\/shop\/web:1\.4\.2 → registry\.example\/shop\/web:hotfix/,
    );
    assert.equal(JSON.parse(await readFile(join(dir, 'out', 'drift.json'), 'utf8')).verdict, 'drifted');
    const issues = github.issues('acme/env');
    assert.deepEqual(
      issues.map((i) => [i.state, i.title]),
      [['open', '[baton drift: prod] prod differs from Git']],
    );
    assert.match(run.outputs['issue-url']!, /\/acme\/env\/issues\/1$/);
    assert.match(issues[0]!.body ?? '', /https:\/\/github\.example\/acme\/env\/actions\/runs\/52/);
    assert.deepEqual(
      github.statuses('acme/env', HEAD).map((s) => [s.state, s.context]),
      [['failure', 'baton/drift/prod']],
    );
    assert.match(run.stdout, new RegExp(`::add-mask::${TOKEN}`));
    assert.doesNotMatch(run.stdout.replaceAll(`::add-mask::${TOKEN}`, '') + run.stderr, new RegExp(TOKEN));
  });

  it('fixed: exit 0, the issue closed, the commit marked success', async () => {
    kube.update('Deployment', 'prod', 'web', (o) => {
      (o.spec['template'] as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image = 'registry.example/shop/web:1.4.2';
    });
    const run = await runAction('drift', inputs(), runnerEnv());
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs['verdict'], 'in-sync');
    assert.equal(run.outputs['issue-url'], '');
    assert.deepEqual(
      github.issues('acme/env').map((i) => i.state),
      ['closed'],
    );
    assert.deepEqual(
      github.statuses('acme/env', HEAD).map((s) => [s.state, s.context]),
      [
        ['success', 'baton/drift/prod'],
        ['failure', 'baton/drift/prod'],
      ],
    );
  });

  it('bad input: exit 2 naming the input, nothing opened', async () => {
    const before = github.requests.length;
    const run = await runAction('drift', { ...inputs(), provider: 'ecs' }, runnerEnv());
    assert.equal(run.code, 2);
    assert.match(run.stdout + run.stderr, /provider: "ecs" is not one of kubernetes, argocd, flux/);
    assert.equal(github.requests.length, before);
  });
});
