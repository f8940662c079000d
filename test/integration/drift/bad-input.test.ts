/**
 * Bad input: exit 2 with the input named, no issue opened, nothing asked of the cluster.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GitHubIssues } from '../../../src/adapters/forges/github-issues.ts';
import { type GitHubApi, startGitHubApi } from '../../helpers/github-api.ts';
import { type KubeApiServer, manualClock, startKubeApi } from '../../helpers/kube-api.ts';
import { systemDriftDeps } from '../../../src/steps/drift/step.ts';
import { driftDeps, envRepo, runDriftStep } from '../../helpers/drift-harness.ts';

describe('drift: bad input', () => {
  const clock = manualClock();
  let api: KubeApiServer;
  let github: GitHubApi;
  let repo: Awaited<ReturnType<typeof envRepo>>;
  before(async () => {
    api = await startKubeApi({ clock });
    github = await startGitHubApi({ tokens: { 'gh-token': 'write' }, repos: ['acme/env'] });
    repo = await envRepo({
      'envs/prod/config.yaml': [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: '1' } }],
      'envs/broken/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n',
      'envs/badyaml/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n',
    });
  });
  after(async () => {
    await api.stop();
    await github.stop();
    await repo.cleanup();
  });

  const base = () => ({
    path: 'envs/prod',
    render: 'auto',
    kubeconfig: api.kubeconfig(),
    alert: 'issue',
    repo: 'https://github.example/acme/env',
    token: 'gh-token',
  });
  const cases: [string, () => Record<string, string>, string, RegExp][] = [
    ['unknown provider', () => ({ ...base(), provider: 'ecs' }), 'provider', /"ecs" is not one of kubernetes, argocd, flux/],
    [
      'unreadable kubeconfig',
      () => ({ ...base(), kubeconfig: '/nonexistent/kubeconfig' }),
      'kubeconfig',
      /cannot read "\/nonexistent\/kubeconfig" \(ENOENT\)/,
    ],
    [
      'kubeconfig content that is not one',
      () => ({ ...base(), kubeconfig: 'apiVersion: v1\nclusters: [oops' }),
      'kubeconfig',
      /not a usable kubeconfig/,
    ],
    [
      "an environment whose rendering fails: kustomize's own error",
      () => ({ ...base(), path: 'envs/broken' }),
      'path',
      /envs\/broken\/kustomization\.yaml: .*kustomize envs\/broken failed: .*deployment\.yaml/,
    ],
    [
      'an environment with broken YAML: file, line, column',
      () => ({ ...base(), path: 'envs/badyaml' }),
      'path',
      /envs\/badyaml\/config\.yaml:\d+:\d+: not valid YAML/,
    ],
    ['a path that does not exist', () => ({ ...base(), path: 'envs/nope' }), 'path', /"envs\/nope" does not exist/],
    ['neither path nor env', () => ({ kubeconfig: api.kubeconfig() }), 'path', /give the environment's directory/],
    [
      'an ignore rule with a bad pointer',
      () => ({ ...base(), 'ignore-differences': '- group: apps\n  kind: Deployment\n  jsonPointers: [spec/replicas]' }),
      'ignore-differences',
      /"spec\/replicas" is not a JSON pointer/,
    ],
    [
      'an ignore rule that is not a list',
      () => ({ ...base(), 'ignore-differences': 'kind: Deployment' }),
      'ignore-differences',
      /must be a list of rules/,
    ],
    ['owned-by that is no selector', () => ({ ...base(), 'owned-by': 'part of shop' }), 'owned-by', /not a label selector/],
    ['owned-by flux without a namespace', () => ({ ...base(), 'owned-by': 'flux=apps' }), 'owned-by', /flux=<namespace>\/<kustomization>/],
    ['a report format drift does not write', () => ({ ...base(), reports: 'sarif=x.sarif' }), 'reports', /format among json, junit/],
    ['alert issue without repo', () => ({ ...base(), repo: '' }), 'repo', /needs the env repo's URL/],
    ['remediate with provider kubernetes', () => ({ ...base(), remediate: 'true' }), 'remediate', /drift fixes nothing itself/],
    ['argocd without a server', () => ({ provider: 'argocd', application: 'web' }), 'argocd-server', /required with provider argocd/],
    [
      'argocd without an application',
      () => ({ provider: 'argocd', 'argocd-server': 'https://argocd.example' }),
      'application',
      /name the Argo CD application/,
    ],
    [
      'flux with a kubernetes target',
      () => ({ provider: 'flux', targets: 'deployment/web', kubeconfig: api.kubeconfig() }),
      'targets',
      /not a Flux Kustomization or HelmRelease/,
    ],
    ['a timeout that is not a duration', () => ({ ...base(), timeout: 'soon' }), 'timeout', /not a duration/],
  ];
  for (const [name, raw, input, message] of cases) {
    test(`${name}: exit 2 naming ${input}, nothing opened`, async () => {
      const kubeBefore = api.requests.length;
      const run = await runDriftStep(
        raw(),
        driftDeps(clock, { issues: ({ repoUrl, token, env }) => new GitHubIssues({ repoUrl, token, env }) }),
        repo.dir,
        { GITHUB_API_URL: github.url },
      );
      assert.equal(run.code, 2, run.message);
      assert.match(run.message, new RegExp(`^${input}: `));
      assert.match(run.message, message);
      assert.equal(api.requests.length, kubeBefore, 'no request reached the cluster');
      assert.equal(github.requests.length, 0, 'no request reached the forge');
    });
  }

  test('a repo on a host no forge answers for: exit 2 naming forge, before the cluster is asked', async () => {
    const kubeBefore = api.requests.length;
    const run = await runDriftStep(
      { ...base(), repo: 'https://git.example.org/acme/env' },
      driftDeps(clock, { issues: systemDriftDeps().issues }),
      repo.dir,
      {},
    );
    assert.equal(run.code, 2, run.message);
    assert.match(run.message, /^forge: cannot tell whether git\.example\.org is a GitHub or a GitLab server/);
    assert.equal(api.requests.length, kubeBefore);
  });
});
