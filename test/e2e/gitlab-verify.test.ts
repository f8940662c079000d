/**
 * The verify component run by gitlab-ci-local (shell executor): the kubeconfig reaches the job through a
 * CI/CD variable, the Kubernetes API test server plays the rollout, and the verdict lands in the dotenv
 * report, the summary artifact, a git note in the env repo and a commit status on the GitLab API server.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseVerdictNote } from '../../src/core/verify/verdict-note.ts';
import { type GitServer, startGitServer } from '../helpers/git-server.ts';
import { gitIn } from '../helpers/git-temp.ts';
import { type GitLabApi, startGitLabApi } from '../helpers/gitlab-api.ts';
import { runPipeline } from '../helpers/gitlab-ci-local.ts';
import { type KubeApiServer, realScheduler, startKubeApi } from '../helpers/kube-api.ts';
import { seedDeployment, startRollout } from '../helpers/rollout-scenarios.ts';

const TOKEN = 'glpat-verify-runner-3c9d1';
const FILES = {
  'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n',
  'envs/staging/web.yaml': 'image: registry.example.com/acme/web:2.0.0\n',
};

describe('the verify component under gitlab-ci-local', () => {
  const scheduler = realScheduler();
  let kube: KubeApiServer;
  let git: GitServer;
  let gitlab: GitLabApi;
  let head: string;

  before(async () => {
    kube = await startKubeApi({ clock: { now: () => Date.now() } });
    git = await startGitServer({ users: { oauth2: TOKEN } });
    await git.createRepo('acme/env', FILES);
    head = (await git.head('acme/env', 'main'))!;
    gitlab = await startGitLabApi({ tokens: { [TOKEN]: 'write' }, projects: [{ path: 'acme/env', commits: [head] }] });
    seedDeployment(kube, scheduler, { name: 'web', namespace: 'prod', replicas: 2 }, 'registry.example.com/acme/web:1.0.0');
  });
  after(async () => {
    scheduler.cancel();
    await Promise.all([kube.stop(), git.stop(), gitlab.stop()]);
  });

  it('waits for the rollout, writes the dotenv report and summary, records the verdict; later jobs read it', async () => {
    const app = { name: 'web', namespace: 'prod', replicas: 2 };
    startRollout(kube, scheduler, app, { image: 'registry.example.com/acme/web:2.0.0', behaviour: 'healthy', stepMs: 1000 });
    const inputs = {
      targets: 'deployment/prod/web',
      kubeconfig: '$KUBE_CONFIG',
      expected_image: 'registry.example.com/acme/web:2.0.0',
      timeout: '60s',
      interval: '500ms',
      repo: git.url('acme/env'),
      env: 'staging',
    };
    const pipeline = {
      stages: ['verify', 'report'],
      include: [{ local: 'templates/verify.yml', inputs: { stage: 'verify', ...inputs } }],
      report: {
        stage: 'report',
        needs: ['verify'],
        script: ['echo "status=[$BATON_STATUS] recorded=[$BATON_RECORDED] revision=[$BATON_REVISION]"'],
      },
    };
    const origin = new URL(git.url('acme/env')).origin;
    const run = await runPipeline(pipeline, {
      KUBE_CONFIG: kube.kubeconfig(),
      BATON_TOKEN: TOKEN,
      CI_SERVER_URL: origin,
      CI_API_V4_URL: gitlab.url,
    });
    try {
      assert.equal(run.code, 0, run.output);
      const dotenv = (await run.artifact('verify', '.gitlab-ci-reports/dotenv/baton.env')) ?? '';
      assert.match(dotenv, /^BATON_STATUS=healthy$/m);
      assert.match(dotenv, /^BATON_RECORDED=true$/m);
      assert.match(dotenv, new RegExp(`^BATON_REVISION=${head}$`, 'm'));
      assert.match(dotenv, /^BATON_DETAILS=.*deployment\/prod\/web/m);
      assert.match(run.output, new RegExp(`status=\\[healthy\\] recorded=\\[true\\] revision=\\[${head}\\]`));
      assert.match((await run.artifact('verify', 'baton-summary.md')) ?? '', /recorded on [0-9a-f]{12} under refs\/notes\/baton/);
      const note = await gitIn(join(git.root, 'acme/env.git'), ['notes', '--ref=refs/notes/baton', 'show', head]);
      assert.deepEqual(
        parseVerdictNote(note).map((r) => [r.env, r.status]),
        [['staging', 'healthy']],
      );
      assert.deepEqual(
        gitlab.commitStatuses('acme/env', head).map((s) => [s.name, s.status]),
        [['baton/verify/staging', 'success']],
      );
      assert.doesNotMatch(run.output, new RegExp(TOKEN));
    } finally {
      await run.cleanup();
    }
  });
});
