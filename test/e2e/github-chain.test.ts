/**
 * The whole chain on GitHub's side: the README's workflow (examples/github/deliver.yml, byte for byte
 * the README block) calls .github/workflows/gitops.yml, and every Baton step in it runs as its dist
 * bundle from its action.yml, as the runner runs it, each step's outputs reaching the next through the
 * workflow's own `${{ }}` expressions (test/helpers/workflow-runner.ts). Real parts: build-push builds
 * examples/app with the best builder here into docker-registry (htpasswd: the workflow's token), bump
 * and verify push to a smart-HTTP git server, validate renders the checked-out env repo, verify polls a
 * local stand-in for staging that serves what the env repo names (scripts/demo-environment.ts), and
 * promote opens its pull request on the GitHub API test server.
 *
 * The only edit to the README's workflow is its registry host (ghcr.io → the local registry); the env
 * repo, the staging URL and the tokens reach it as GitHub would give them (server URL, `vars`, `secrets`).
 */
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { RegistryClient } from '../../src/adapters/registry/registry-client.ts';
import { proposalBranch } from '../../src/core/change-text.ts';
import { parseImageRef } from '../../src/core/image-ref.ts';
import { parseVerdictNote } from '../../src/core/verify/verdict-note.ts';
import { type RunningEnvironment, startEnvironment } from '../../scripts/demo-environment.ts';
import { type GitServer, startGitServer } from '../helpers/git-server.ts';
import { gitIn } from '../helpers/git-temp.ts';
import { type GitHubApi, startGitHubApi } from '../helpers/github-api.ts';
import { type RunningRegistry, skipWithout, skopeoInspect, startRegistry } from '../helpers/registry.ts';
import { ROOT } from '../helpers/runner.ts';
import { checkoutStandIn, runWorkflow, runWorkflowFile, type WorkflowRun } from '../helpers/workflow-runner.ts';
import { type AppRepo, appRepo, envRepoFiles, pendingSteps, type Scratch, scratch } from '../helpers/chain-fixture.ts';

const ACTOR = 'octocat';
const JOB_TOKEN = 'ghs-job-token-5d1e7';
const ENV_TOKEN = 'ghp-env-repo-token-a81c3';

describe('the README workflow and gitops.yml, every step as the runner runs it', {
  skip: skipWithout('docker-registry', 'skopeo', 'htpasswd', 'git'),
}, () => {
  let registry: RunningRegistry;
  let git: GitServer;
  let github: GitHubApi;
  let staging: RunningEnvironment;
  let client: RegistryClient;
  let tmp: Scratch;
  let app: AppRepo;
  let run: WorkflowRun;
  const pending = pendingSteps('github', ['promote']);
  const image = () => `${registry.host}/acme/api`;

  before(async () => {
    tmp = await scratch('baton-gh-chain-');
    [registry, git] = await Promise.all([
      startRegistry({ htpasswd: { [ACTOR]: JOB_TOKEN } }),
      startGitServer({ users: { 'x-access-token': ENV_TOKEN } }),
    ]);
    app = await appRepo(tmp.dir);
    await git.createRepo('acme/env-repo', await envRepoFiles(image()));
    github = await startGitHubApi({ tokens: { [ENV_TOKEN]: 'write' }, repos: ['acme/env-repo'] });
    // The forge sees the branches and commits that really exist on the git server, as a forge would.
    const branch = proposalBranch('production', [parseImageRef(image())]);
    github.onRequest(async () => {
      if (await git.head('acme/env-repo', branch)) github.pushBranch('acme/env-repo', branch);
      for (const commit of await git.log('acme/env-repo', 'main')) github.addCommit('acme/env-repo', commit.oid);
    });
    client = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: [{ registry: registry.host, username: ACTOR, password: JOB_TOKEN }],
      env: {},
      home: tmp.dir,
    });
    staging = await startEnvironment({
      repoDir: join(git.root, 'acme/env-repo.git'),
      branch: 'main',
      file: 'envs/staging/kustomization.yaml',
      image: parseImageRef(image()),
      client,
    });

    const readme = await readFile(join(ROOT, 'examples/github/deliver.yml'), 'utf8');
    const workflow = parse(readme.replaceAll('ghcr.io/', `${registry.host}/`));
    const origin = new URL(git.url('acme/env-repo')).origin;
    run = await runWorkflow(workflow, {
      github: {
        repository: 'acme/api',
        sha: app.head,
        ref: 'refs/heads/main',
        ref_name: 'main',
        ref_type: 'branch',
        actor: ACTOR,
        event_name: 'push',
        server_url: origin,
        api_url: github.url,
        token: JOB_TOKEN,
        run_id: '4242',
        run_number: '17',
      },
      event: { ref: 'refs/heads/main', after: app.head, repository: { default_branch: 'main', full_name: 'acme/api' } },
      secrets: { ENV_REPO_TOKEN: ENV_TOKEN },
      vars: { STAGING_URL: staging.url },
      runnerEnv: { BATON_INSECURE_REGISTRIES: registry.host },
      actions: {
        'actions/checkout': checkoutStandIn({ self: (_workspace, path) => cp(app.dir, path, { recursive: true }) }),
      },
      skipJobs: pending,
    });
  });
  after(async () => {
    await staging?.stop();
    await client?.close();
    await Promise.all([registry?.stop(), git?.stop(), github?.stop()]);
    await tmp?.cleanup();
  });

  const called = () => run.jobs['deliver']!.called!;
  const outputs = (job: string, step: string) => called().jobs[job]!.steps.find((s) => s.id === step)!.outputs;

  it('runs every job of gitops.yml green', () => {
    const results = Object.fromEntries(Object.entries(called().jobs).map(([name, job]) => [name, job.result]));
    const expected: Record<string, string> = {
      build: 'success',
      bump: 'success',
      validate: 'success',
      verify: 'success',
      promote: 'success',
    };
    for (const step of pending) expected[step] = 'skipped';
    assert.deepEqual(results, expected, run.log);
    assert.equal(run.result, 'success');
  });

  it('build-push pushed the commit-tagged image; its digest is what bump wrote into staging', async () => {
    const build = outputs('build', 'build');
    const pushed = await skopeoInspect(`docker://${image()}:${app.head}`, { creds: `${ACTOR}:${JOB_TOKEN}` });
    assert.equal(build['digest'], pushed.Digest);
    assert.equal(called().outputs['image'], `${image()}@${pushed.Digest}`);
    const kustomization = (await git.readFile('acme/env-repo', 'main', 'envs/staging/kustomization.yaml')) ?? '';
    assert.match(kustomization, new RegExp(`newTag: "?${app.head}"? # the version staging runs\\n\\s+digest: "?${pushed.Digest}`));
    assert.equal(outputs('bump', 'bump')['image'], `${image()}:${app.head}@${pushed.Digest}`);
  });

  it('verify saw staging serve that build and recorded the verdict on the bump commit', async () => {
    const commit = called().outputs['commit']!;
    assert.equal(called().outputs['status'], 'healthy');
    assert.equal(outputs('verify', 'verify')['revision'], commit);
    assert.equal(staging.live(), outputs('bump', 'bump')['image']);
    const note = await gitIn(join(git.root, 'acme/env-repo.git'), ['notes', '--ref=refs/notes/baton', 'show', commit]);
    assert.deepEqual(
      parseVerdictNote(note).map((r) => [r.env, r.status]),
      [['staging', 'healthy']],
    );
    const runUrl = `${new URL(git.url('acme/env-repo')).origin}/acme/api/actions/runs/4242`;
    assert.deepEqual(
      github.statuses('acme/env-repo', commit).map((s) => [s.context, s.state, s.target_url]),
      [['baton/verify/staging', 'success', runUrl]],
    );
  });

  it('promote proposed the verified digest for production as a pull request', {
    skip: pending.includes('promote') && 'the promote step has not landed',
  }, async () => {
    const pulls = github.pulls('acme/env-repo');
    assert.equal(pulls.length, 1);
    assert.equal(called().outputs['pr-url'], pulls[0]!.html_url);
    const proposed = (await git.readFile('acme/env-repo', pulls[0]!.head.ref, 'envs/production/kustomization.yaml')) ?? '';
    assert.match(proposed, new RegExp(`digest: "?${outputs('build', 'build')['digest']}`));
    assert.match(
      (await git.readFile('acme/env-repo', 'main', 'envs/production/kustomization.yaml')) ?? '',
      /newTag: "0\.1\.0"/,
      'production itself waits for the review',
    );
  });

  it("the env repo's own workflow validates both environments of the proposal, checked out at its head", async () => {
    const pull = github.pulls('acme/env-repo')[0];
    const branch = pull?.head.ref ?? 'main';
    const head = (await git.head('acme/env-repo', branch))!;
    const origin = new URL(git.url('acme/env-repo')).origin;
    const validation = await runWorkflowFile(join(ROOT, 'examples/env-repo/.github/workflows/validate.yml'), {
      github: {
        repository: 'acme/env-repo',
        sha: head,
        ref: `refs/heads/${branch}`,
        actor: ACTOR,
        event_name: pull ? 'pull_request' : 'push',
        server_url: origin,
        api_url: github.url,
        token: ENV_TOKEN,
        run_id: '4243',
        run_number: '3',
      },
      event: pull ? { pull_request: { number: pull.number, head: { sha: head, ref: branch } } } : {},
      actions: { 'actions/checkout': checkoutStandIn({ token: ENV_TOKEN }) },
    });
    assert.equal(validation.result, 'success', validation.log);
    assert.deepEqual(
      validation.jobs['validate']!.steps.filter((step) => step.outputs['valid']).map((step) => step.outputs['valid']),
      ['true', 'true'],
    );
    assert.match(validation.log, /checkout: acme\/env-repo@[0-9a-f]{40}/);
  });

  it('no token reaches a log, except to be masked', () => {
    const log = run.log.replace(/::add-mask::.*\n/g, '');
    for (const secret of [ENV_TOKEN, JOB_TOKEN]) assert.doesNotMatch(log, new RegExp(secret));
  });
});
