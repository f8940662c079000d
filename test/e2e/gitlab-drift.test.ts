/**
 * The drift component run by gitlab-ci-local (shell executor), as a pipeline schedule would run it in the
 * env repo: the kubeconfig through a CI/CD variable, the verdict in the dotenv and JUnit reports, and the
 * environment's issue opened on the GitLab API test server.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { type GitLabApi, startGitLabApi } from '../helpers/gitlab-api.ts';
import { runPipeline } from '../helpers/gitlab-ci-local.ts';
import { type KubeApiServer, startKubeApi } from '../helpers/kube-api.ts';

const TOKEN = 'glpat-drift-runner-8e2f0';
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'prod' }, data: { LOG_LEVEL: 'info' } };

describe('the drift component under gitlab-ci-local', () => {
  let kube: KubeApiServer;
  let gitlab: GitLabApi;
  let files: string;
  before(async () => {
    kube = await startKubeApi({ clock: { now: () => Date.now() } });
    gitlab = await startGitLabApi({ tokens: { [TOKEN]: 'write' }, projects: ['acme/env'] });
    kube.create({ ...configMap, data: { LOG_LEVEL: 'debug' } });
    files = await mkdtemp(join(tmpdir(), 'baton-drift-glci-'));
    await mkdir(join(files, 'envs/prod'), { recursive: true });
    await writeFile(join(files, 'envs/prod/config.yaml'), stringify(configMap));
  });
  after(async () => {
    await Promise.all([kube.stop(), gitlab.stop()]);
    await rm(files, { recursive: true, force: true });
  });

  it('drift: the job fails, the dotenv and JUnit reports say why, one issue is opened', async () => {
    const pipeline = {
      stages: ['test'],
      include: [
        {
          local: 'templates/drift.yml',
          inputs: {
            stage: 'test',
            path: 'envs/prod',
            env: 'prod',
            render: 'none',
            kubeconfig: '$KUBE_CONFIG',
            alert: 'issue',
            repo: `${gitlab.origin}/acme/env.git`,
          },
        },
      ],
    };
    const run = await runPipeline(
      pipeline,
      { KUBE_CONFIG: kube.kubeconfig(), BATON_TOKEN: TOKEN, CI_SERVER_URL: gitlab.origin, CI_API_V4_URL: gitlab.url },
      [],
      { files },
    );
    try {
      assert.notEqual(run.code, 0, run.output);
      const dotenv = (await run.artifact('drift', '.gitlab-ci-reports/dotenv/baton.env')) ?? '';
      assert.match(dotenv, /^BATON_VERDICT=drifted$/m);
      assert.match(dotenv, /^BATON_CHANGED=1$/m);
      assert.match(dotenv, /^BATON_ISSUE_URL=.*\/acme\/env\/-\/issues\/1$/m);
      // The template's junit report (drift-junit.xml), in the job's build directory.
      assert.match((await run.artifact('drift', join('../../builds', 'drift', 'drift-junit.xml'))) ?? '', /<failure type="changed"/);
      assert.deepEqual(
        gitlab.issues('acme/env').map((i) => [i.state, i.title, i.labels]),
        [['opened', '[baton drift: prod] prod differs from Git', ['baton-drift']]],
      );
      assert.doesNotMatch(run.output, new RegExp(TOKEN));
    } finally {
      await run.cleanup();
    }
  });
});
