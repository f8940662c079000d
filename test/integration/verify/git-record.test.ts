/**
 * The git verdict recorder against a real smart-HTTP git server: the note lands on the right commit
 * under refs/notes/baton, concurrent verdicts all keep their lines, bad credentials write nothing, and
 * the verdict is mirrored as a commit status on the GitHub and GitLab API test servers, and on GitHub as
 * a deployment status too.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { UserError } from '../../../src/core/errors.ts';
import { formatNoteLine, NOTES_REF, parseVerdictNote, type VerdictRecord } from '../../../src/core/verify/verdict-note.ts';
import { GitVerdictRecorder } from '../../../src/steps/verify/git-record.ts';
import type { RecordRequest } from '../../../src/steps/verify/record.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { gitIn, tempDir } from '../../helpers/git-temp.ts';
import { type GitHubApi, startGitHubApi } from '../../helpers/github-api.ts';
import { type GitLabApi, startGitLabApi } from '../../helpers/gitlab-api.ts';
import { type KubeApiServer, manualClock, startKubeApi } from '../../helpers/kube-api.ts';
import { runVerifyStep, testDeps } from '../../helpers/verify-harness.ts';
import { seedDeployment } from '../../helpers/rollout-scenarios.ts';

const TOKEN = 'env-write-token-5e1f';
const WRONG = 'env-wrong-token-0000';
const REPO = 'acme/env';
const FILES = {
  'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n  production:\n    path: envs/production\n',
  'envs/staging/app.yaml': 'image: ghcr.io/acme/web:1.0.0\n',
  'envs/production/app.yaml': 'image: ghcr.io/acme/web:0.9.0\n',
};
const FAST_RACE = { attempts: 12, baseDelayMs: 20, maxDelayMs: 200 };

function verdict(env: string, status: VerdictRecord['status'] = 'healthy'): VerdictRecord {
  return {
    version: 1,
    env,
    status,
    reason: status === 'healthy' ? 'healthy' : status === 'failed' ? 'image-pull' : 'timeout:progressing',
    message:
      status === 'healthy' ? 'deployment/prod/web: 2/2 new replicas available' : 'deployment/prod/web: cannot pull ghcr.io/acme/web:2.0.0',
    provider: 'kubernetes',
    targets: [{ target: 'deployment/prod/web', outcome: status, reason: 'rolled-out' }],
    images: ['ghcr.io/acme/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
    time: '2025-01-01T00:00:00.000Z',
    runUrl: 'https://ci.example/acme/app/runs/7',
  };
}

/** Adds `count` commits that touch only envs/production on main, as other pipelines would; resolves their ids. */
async function moreHistory(server: GitServer, count: number): Promise<string[]> {
  const work = await tempDir('baton-history-');
  try {
    await gitIn(work.path, ['clone', '--quiet', join(server.root, `${REPO}.git`), '.']);
    for (let i = 1; i <= count; i++) {
      await writeFile(join(work.path, 'envs/production/app.yaml'), `image: ghcr.io/acme/web:0.9.${i}\n`);
      await gitIn(work.path, [
        '-c',
        'user.name=ci',
        '-c',
        'user.email=ci@example.test',
        'commit',
        '--quiet',
        '-am',
        `production: bump web to 0.9.${i}`,
      ]);
    }
    await gitIn(work.path, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    const ids = (await gitIn(work.path, ['rev-list', '--reverse', `HEAD~${count}..HEAD`])).split('\n').filter(Boolean);
    return ids;
  } finally {
    await work.remove();
  }
}

/** The note of `commit` on the server, read with plain git. */
async function noteOn(server: GitServer, commit: string): Promise<string> {
  return gitIn(join(server.root, `${REPO}.git`), ['notes', `--ref=${NOTES_REF}`, 'show', commit]).catch(() => '');
}

async function notesHead(server: GitServer): Promise<string> {
  return gitIn(join(server.root, `${REPO}.git`), ['for-each-ref', '--format=%(objectname)', NOTES_REF]);
}

function expectUserError(input: string, pattern: RegExp, secret?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof UserError, `expected UserError, got ${inspect(error)}`);
    assert.equal(error.input, input);
    assert.match(error.message, pattern);
    if (secret) assert.ok(!inspect(error, { depth: 6 }).includes(secret));
    return true;
  };
}

describe('GitVerdictRecorder against a git server', () => {
  let server: GitServer;
  let staging: string;
  let productionHead: string;
  let middle: string;
  const request = (env: string, extra: Partial<RecordRequest> = {}): RecordRequest => {
    const record = verdict(env);
    return { repo: server.url(REPO), token: TOKEN, env, notesRef: NOTES_REF, noteLine: formatNoteLine(record), record, ...extra };
  };
  const recorder = (env: Record<string, string> = {}) => new GitVerdictRecorder({ env, retry: FAST_RACE });

  before(async () => {
    server = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await server.createRepo(REPO, FILES);
    staging = await server.commitFiles(REPO, 'main', { 'envs/staging/app.yaml': 'image: ghcr.io/acme/web:1.1.0\n' }, 'staging: bump web');
    // 20 commits on top that never touch envs/staging: the search must deepen past its first step.
    const later = await moreHistory(server, 20);
    middle = later[3]!;
    productionHead = (await server.head(REPO, 'main'))!;
  });
  after(() => server.stop());

  it("puts the note on the newest commit that touched the environment's path, readable with git notes", async () => {
    const lines: string[] = [];
    const outcome = await recorder().record({ ...request('staging'), log: (line) => lines.push(line) });
    assert.equal(outcome.commit, staging);
    assert.deepEqual(outcome.mirrored, []);
    const [note] = parseVerdictNote(await noteOn(server, staging));
    assert.equal(note?.env, 'staging');
    assert.equal(note?.status, 'healthy');
    assert.equal(note?.runUrl, 'https://ci.example/acme/app/runs/7');
    assert.equal((await recorder().record(request('production'))).commit, productionHead);
    assert.ok(
      lines.some((l) => /not on a GitHub or GitLab server/.test(l)),
      lines.join('\n'),
    );
  });

  it('notes expected-revision when given, full or abbreviated, and refuses one the repo lacks', async () => {
    assert.equal((await recorder().record(request('production', { revision: middle }))).commit, middle);
    assert.equal((await recorder().record(request('staging', { revision: staging.slice(0, 10) }))).commit, staging);
    assert.equal(parseVerdictNote(await noteOn(server, middle))[0]?.env, 'production');
    const before = await notesHead(server);
    await assert.rejects(
      recorder().record(request('staging', { revision: 'b'.repeat(40) })),
      expectUserError('expected-revision', /has no commit b{40}/),
    );
    await assert.rejects(
      recorder().record(request('staging', { revision: 'abcdef1' })),
      expectUserError('expected-revision', /branch main .* has no commit abcdef1/),
    );
    assert.equal(await notesHead(server), before);
  });

  it('keeps every line when verdicts for several commits and environments land at once', async () => {
    const runs = [
      request('staging', { revision: productionHead }),
      request('production', { revision: staging }),
      request('production', { revision: productionHead }),
    ];
    const outcomes = await Promise.all(runs.map((r) => recorder().record(r)));
    assert.deepEqual(
      outcomes.map((o) => o.commit),
      [productionHead, staging, productionHead],
    );
    const envsOn = async (commit: string) =>
      parseVerdictNote(await noteOn(server, commit))
        .map((r) => r.env)
        .sort();
    assert.deepEqual(await envsOn(productionHead), ['production', 'production', 'staging']);
    assert.deepEqual(await envsOn(staging), ['production', 'staging', 'staging']);
  });

  it('a wrong token is a UserError naming token, and nothing is written', async () => {
    const before = await notesHead(server);
    await assert.rejects(recorder().record(request('staging', { token: WRONG })), expectUserError('token', /refused the token/, WRONG));
    await assert.rejects(recorder().record(request('staging', { token: undefined })), expectUserError('token', /asks for credentials/));
    assert.equal(await notesHead(server), before);
  });

  it('an environment baton.yaml does not name is a UserError naming env', async () => {
    await assert.rejects(
      recorder().record(request('qa')),
      expectUserError('env', /"qa" is not an environment in baton\.yaml \(known: staging, production\)/),
    );
  });

  it('records into a local repository too', async () => {
    const local = await tempDir('baton-local-env-');
    try {
      const git = (...args: string[]) => gitIn(local.path, ['-c', 'user.name=dev', '-c', 'user.email=dev@example.test', ...args]);
      await git('init', '--quiet', '--initial-branch=main');
      await git('commit', '--quiet', '--allow-empty', '-m', 'first');
      const head = (await git('rev-parse', 'HEAD')).trim();
      const outcome = await recorder().record(request('staging', { repo: local.path, token: undefined }));
      assert.equal(outcome.commit, head, 'without baton.yaml, the head of the branch');
      assert.equal(parseVerdictNote(await git('notes', `--ref=${NOTES_REF}`, 'show', head))[0]?.env, 'staging');
    } finally {
      await local.remove();
    }
  });
});

describe('GitVerdictRecorder mirrors the verdict as commit and deployment statuses', () => {
  const READ = 'api-read-token-77aa';
  let server: GitServer;
  let github: GitHubApi;
  let gitlab: GitLabApi;
  let head: string;
  const request = (status: VerdictRecord['status'], token = TOKEN): RecordRequest => {
    const record = verdict('staging', status);
    return { repo: server.url(REPO), token, env: 'staging', notesRef: NOTES_REF, noteLine: formatNoteLine(record), record };
  };
  const origin = () => new URL(server.url(REPO)).origin;

  before(async () => {
    server = await startGitServer({ users: { 'x-access-token': TOKEN, oauth2: TOKEN } });
    await server.createRepo(REPO, FILES);
    head = (await server.head(REPO, 'main'))!;
    github = await startGitHubApi({ tokens: { [TOKEN]: 'write', [READ]: 'read' }, repos: [{ name: REPO, commits: [head] }] });
    gitlab = await startGitLabApi({ tokens: { [TOKEN]: 'write' }, projects: [{ path: REPO, commits: [head] }] });
  });
  after(async () => {
    await Promise.all([server.stop(), github.stop(), gitlab.stop()]);
  });

  it('on GitHub: success and error statuses named baton/verify/<env>, newest first', async () => {
    const recorder = new GitVerdictRecorder({ env: { GITHUB_SERVER_URL: origin(), GITHUB_API_URL: github.url }, retry: FAST_RACE });
    for (const status of ['healthy', 'timeout'] as const) {
      const outcome = await recorder.record(request(status));
      assert.deepEqual(outcome.mirrored, ['commit status baton/verify/staging', 'deployment status of staging']);
      assert.equal(outcome.warnings, undefined);
    }
    const statuses = github.statuses(REPO, head);
    assert.deepEqual(
      statuses.map((s) => s.state),
      ['error', 'success'],
    );
    assert.equal(statuses[1]?.context, 'baton/verify/staging');
    assert.equal(statuses[1]?.description, 'verify healthy: deployment/prod/web: 2/2 new replicas available');
    assert.equal(statuses[1]?.target_url, 'https://ci.example/acme/app/runs/7');
    assert.equal(parseVerdictNote(await noteOn(server, head)).length, 2);
  });

  it('on GitHub: a recorded verdict leaves a deployment of the commit to the environment with its status', async () => {
    const recorder = new GitVerdictRecorder({ env: { GITHUB_SERVER_URL: origin(), GITHUB_API_URL: github.url }, retry: FAST_RACE });
    const record = verdict('production');
    const outcome = await recorder.record({
      repo: server.url(REPO),
      token: TOKEN,
      env: 'production',
      notesRef: NOTES_REF,
      noteLine: formatNoteLine(record),
      record,
    });
    assert.equal(outcome.commit, head);
    assert.deepEqual(outcome.mirrored, ['commit status baton/verify/production', 'deployment status of production']);
    const deployments = github.deployments(REPO);
    const production = deployments.find((d) => d.environment === 'production');
    assert.deepEqual([production?.sha, production?.ref, production?.production_environment], [head, head, true]);
    const [status] = github.deploymentStatuses(REPO, production!.id);
    assert.deepEqual(
      [status?.state, status?.log_url, status?.environment],
      ['success', 'https://ci.example/acme/app/runs/7', 'production'],
    );
    assert.equal(status?.description, 'verify healthy: deployment/prod/web: 2/2 new replicas available');
    // The staging verdicts of the test before share one deployment: healthy, then the timeout as error.
    const staging = deployments.filter((d) => d.environment === 'staging');
    assert.equal(staging.length, 1);
    assert.deepEqual(
      github.deploymentStatuses(REPO, staging[0]!.id).map((s) => s.state),
      ['error', 'success'],
    );
  });

  it('on GitLab: success and failed statuses named baton/verify/<env> on the branch', async () => {
    const env = { GITLAB_CI: 'true', CI_SERVER_URL: origin(), CI_API_V4_URL: gitlab.url };
    const recorder = new GitVerdictRecorder({ env, retry: FAST_RACE });
    assert.deepEqual((await recorder.record(request('healthy'))).mirrored, ['commit status baton/verify/staging']);
    assert.deepEqual((await recorder.record(request('failed'))).mirrored, ['commit status baton/verify/staging']);
    const statuses = gitlab.commitStatuses(REPO, head);
    assert.deepEqual(
      statuses.map((s) => [s.status, s.name, s.ref]),
      [
        ['failed', 'baton/verify/staging', 'main'],
        ['success', 'baton/verify/staging', 'main'],
      ],
    );
    assert.equal(statuses[1]?.target_url, 'https://ci.example/acme/app/runs/7');
  });

  it('statuses the forge refuses are warnings naming the permission; the note is written all the same', async () => {
    const before = parseVerdictNote(await noteOn(server, head)).length;
    const readOnly = await startGitHubApi({ tokens: { [TOKEN]: 'read' }, repos: [{ name: REPO, commits: [head] }] });
    try {
      const env = { GITHUB_SERVER_URL: origin(), GITHUB_API_URL: readOnly.url };
      const outcome = await new GitVerdictRecorder({ env, retry: FAST_RACE }).record(request('healthy'));
      assert.equal(outcome.commit, head);
      assert.deepEqual(outcome.mirrored, []);
      assert.equal(outcome.warnings?.length, 2);
      assert.match(outcome.warnings?.[0] ?? '', /^commit status baton\/verify\/staging not set: token: .*403.*`statuses: write`/);
      assert.match(outcome.warnings?.[1] ?? '', /^deployment status of staging not set: token: .*403.*`deployments: write`/);
      assert.ok(!(outcome.warnings ?? []).join('\n').includes(TOKEN));
      assert.deepEqual(readOnly.deployments(REPO), []);
    } finally {
      await readOnly.stop();
    }
    assert.equal(parseVerdictNote(await noteOn(server, head)).length, before + 1);
  });
});

describe('verify with the git recorder connected', () => {
  const clock = manualClock();
  let kube: KubeApiServer;
  let server: GitServer;
  let head: string;
  const raw = (extra: Record<string, string> = {}) => ({
    targets: 'deployment/prod/web',
    kubeconfig: kube.kubeconfig(),
    repo: server.url(REPO),
    env: 'staging',
    token: TOKEN,
    ...extra,
  });
  const deps = () => testDeps(clock, { recorder: new GitVerdictRecorder({ env: {}, retry: FAST_RACE }) });

  before(async () => {
    kube = await startKubeApi({ clock });
    seedDeployment(kube, clock, { name: 'web', namespace: 'prod', replicas: 1 }, 'ghcr.io/acme/web:1.0.0');
    server = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await server.createRepo(REPO, FILES);
    head = (await server.head(REPO, 'main'))!;
  });
  after(async () => {
    await Promise.all([kube.stop(), server.stop()]);
  });

  it('records a healthy verdict: outputs name the commit, the note holds the targets and images', async () => {
    const run = await runVerifyStep(raw(), deps(), {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_RUN_ID: '5',
    });
    assert.equal(run.code, 0, run.message);
    assert.equal(run.result?.outputs['recorded'], 'true');
    assert.equal(run.result?.outputs['revision'], head);
    const [note] = parseVerdictNote(await noteOn(server, head));
    assert.deepEqual([note?.env, note?.status, note?.runUrl], ['staging', 'healthy', 'https://github.com/acme/app/actions/runs/5']);
    assert.deepEqual(
      note?.targets.map((t) => t.target),
      ['deployment/prod/web'],
    );
    assert.match(note?.images[0] ?? '', /^ghcr\.io\/acme\/web@sha256:[0-9a-f]{64}$/);
  });

  it('record: false and dry-run write nothing; a wrong token fails with exit 2 naming token', async () => {
    const before = await notesHead(server);
    for (const extra of [{ record: 'false' }, { 'dry-run': 'true' }] as Record<string, string>[]) {
      const run = await runVerifyStep(raw(extra), deps());
      assert.equal(run.code, 0, run.message);
      assert.equal(run.result?.outputs['recorded'], 'false');
    }
    const wrong = await runVerifyStep(raw({ token: WRONG }), deps());
    assert.equal(wrong.code, 2);
    assert.match(wrong.message, /^token: .* refused the token/);
    assert.equal(await notesHead(server), before);
  });
});
