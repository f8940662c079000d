/**
 * The drift issue's lifecycle on the GitHub- and GitLab-shaped test APIs: opened on drift, left alone
 * while the drift is the same (ten runs, one issue, no rewrites), updated when it changes, closed when
 * the environment matches Git again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GitHubIssues } from '../../../src/adapters/forges/github-issues.ts';
import { GitLabIssues } from '../../../src/adapters/forges/gitlab-issues.ts';
import type { KubeDoc } from '../../../src/core/drift/types.ts';
import { type GitHubApi, startGitHubApi } from '../../helpers/github-api.ts';
import { type GitLabApi, startGitLabApi } from '../../helpers/gitlab-api.ts';
import { type KubeApiServer, manualClock, startKubeApi } from '../../helpers/kube-api.ts';
import { applyAll, driftDeps, envRepo, runDriftStep } from '../../helpers/drift-harness.ts';

const configMap: KubeDoc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { LOG_LEVEL: 'info' } };
const secret: KubeDoc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags' }, data: { beta: 'off' } };

interface Forge {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly repoUrl: () => string;
  readonly env: () => Record<string, string>;
  readonly issues: (repoUrl: string, token: string, env: Readonly<Record<string, string | undefined>>) => GitHubIssues | GitLabIssues;
  /** Every issue: open/closed, title, body, labels, comments. */
  list(): { open: boolean; title: string; body: string; labels: string[]; comments: string[] }[];
  writes(): number;
}

let github: GitHubApi;
let gitlab: GitLabApi;
const FORGES: Forge[] = [
  {
    name: 'GitHub',
    start: async () => {
      github = await startGitHubApi({ tokens: { 'gh-token': 'write', 'gh-read': 'read' }, repos: ['acme/env'] });
    },
    stop: () => github.stop(),
    repoUrl: () => 'https://github.example/acme/env.git',
    env: () => ({
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_REPOSITORY: 'acme/env',
      GITHUB_RUN_ID: '77',
    }),
    issues: (repoUrl, token, env) => new GitHubIssues({ repoUrl, token, env }),
    list: () =>
      github
        .issues('acme/env')
        .map((i) => ({ open: i.state === 'open', title: i.title, body: i.body ?? '', labels: i.labels, comments: i.comments })),
    writes: () => github.requests.filter((r) => r.method !== 'GET').length,
  },
  {
    name: 'GitLab',
    start: async () => {
      gitlab = await startGitLabApi({ tokens: { 'gl-token': 'write', 'gl-read': 'read' }, projects: ['acme/env'] });
    },
    stop: () => gitlab.stop(),
    repoUrl: () => `${gitlab.origin}/acme/env.git`,
    env: () => ({ CI_API_V4_URL: gitlab.url, CI_PIPELINE_URL: `${gitlab.origin}/acme/env/-/pipelines/9` }),
    issues: (repoUrl, token, env) => new GitLabIssues({ repoUrl, token, env }),
    list: () =>
      gitlab
        .issues('acme/env')
        .map((i) => ({ open: i.state === 'opened', title: i.title, body: i.description ?? '', labels: i.labels, comments: i.notes })),
    writes: () => gitlab.requests.filter((r) => r.method !== 'GET').length,
  },
];

for (const forge of FORGES) {
  describe(`drift issue on ${forge.name}`, () => {
    const clock = manualClock();
    let api: KubeApiServer;
    let repo: Awaited<ReturnType<typeof envRepo>>;
    before(async () => {
      await forge.start();
      api = await startKubeApi({ clock });
      applyAll(api, [configMap, secret], 'shop');
      repo = await envRepo({ 'envs/prod/config.yaml': [configMap, secret] });
    });
    after(async () => {
      await forge.stop();
      await api.stop();
      await repo.cleanup();
    });

    const writeToken = forge.name === 'GitHub' ? 'gh-token' : 'gl-token';
    const run = (token = writeToken) =>
      runDriftStep(
        {
          env: 'prod',
          path: 'envs/prod',
          render: 'none',
          kubeconfig: api.kubeconfig({ namespace: 'shop' }),
          alert: 'issue',
          repo: forge.repoUrl(),
          token,
        },
        driftDeps(clock, { issues: ({ repoUrl, token: t, env }) => forge.issues(repoUrl, t, env) }),
        repo.dir,
        forge.env(),
      );

    test('in sync: no issue', async () => {
      const result = await run();
      assert.equal(result.code, 0, result.message);
      assert.equal(forge.list().length, 0);
      assert.equal(result.result?.outputs['issue-url'], '');
    });

    test('a token that may not write issues: exit 2 naming token and what it needs, nothing opened', async () => {
      api.update('ConfigMap', 'shop', 'web-config', (o) => {
        o['data'] = { LOG_LEVEL: 'debug' };
      });
      const result = await run(forge.name === 'GitHub' ? 'gh-read' : 'gl-read');
      assert.equal(result.code, 2, result.message);
      assert.match(
        result.message,
        forge.name === 'GitHub'
          ? /^token: GitHub refused opening an issue on acme\/env \(403 .*\); the token needs `issues: write`/
          : /^token: opening an issue was refused \(403: .*insufficient_scope.*\); the token needs the api scope/,
      );
      assert.equal(forge.list().length, 0);
    });

    test('drift appears: one issue opened, labelled, with the table of drifted objects', async () => {
      api.update('ConfigMap', 'shop', 'web-config', (o) => {
        o['data'] = { LOG_LEVEL: 'debug' };
      });
      const result = await run();
      assert.equal(result.code, 1);
      const issues = forge.list();
      assert.equal(issues.length, 1);
      assert.ok(issues[0]!.open);
      assert.match(issues[0]!.title, /^\[baton drift: prod\] prod differs from Git$/);
      assert.deepEqual(issues[0]!.labels, ['baton-drift']);
      assert.match(issues[0]!.body, /\| ConfigMap\/shop\/web-config \| changed \|.*data\.LOG_LEVEL: info → debug/);
      assert.match(result.result!.outputs['issue-url']!, /issues\/1$/);
    });

    test('the same drift for ten runs: still one issue, never rewritten', async () => {
      const before = forge.writes();
      for (let i = 0; i < 10; i++) assert.equal((await run()).code, 1);
      assert.equal(forge.list().length, 1);
      assert.equal(forge.writes(), before);
    });

    test('the drift changes: the same issue updated, with a comment', async () => {
      api.update('ConfigMap', 'shop', 'flags', (o) => {
        o['data'] = { beta: 'on' };
      });
      assert.equal((await run()).code, 1);
      const issues = forge.list();
      assert.equal(issues.length, 1);
      assert.match(issues[0]!.body, /ConfigMap\/shop\/flags/);
      assert.deepEqual(issues[0]!.comments.length, 1);
      assert.match(issues[0]!.comments[0]!, /The drift changed: now 2 object\(s\)/);
    });

    test('the forge failing on its side does not hide the verdict: a warning, and the next run catches up', async () => {
      const fault = forge.name === 'GitHub' ? github : gitlab;
      fault.fail({ status: 502, times: 3 });
      const result = await run();
      assert.equal(result.code, 1, 'still the drift verdict');
      assert.match(result.result!.summary, /issue not updated: .*HTTP 502/);
      assert.equal(result.result?.outputs['verdict'], 'drifted');
      assert.equal(forge.list().length, 1);
    });

    test('drift gone: the issue is closed with a comment, and a new drift opens a new one', async () => {
      api.update('ConfigMap', 'shop', 'web-config', (o) => {
        o['data'] = { LOG_LEVEL: 'info' };
      });
      api.update('ConfigMap', 'shop', 'flags', (o) => {
        o['data'] = { beta: 'off' };
      });
      const result = await run();
      assert.equal(result.code, 0, result.message);
      let issues = forge.list();
      assert.equal(issues.length, 1);
      assert.equal(issues[0]!.open, false);
      assert.match(issues[0]!.comments.at(-1)!, /prod matches Git again/);
      assert.equal((await run()).code, 0);
      assert.equal(forge.list().length, 1);
      api.remove('ConfigMap', 'shop', 'flags');
      assert.equal((await run()).code, 1);
      issues = forge.list();
      assert.deepEqual(
        issues.map((i) => i.open),
        [false, true],
      );
    });
  });
}
