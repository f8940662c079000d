/** The update component under gitlab-ci-local: a scheduled job that pushes the newest allowed version and reports it. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REGISTRY_PASSWORD, REGISTRY_USER, startUpdateRegistry, type UpdateRegistry } from '../helpers/update-fixture.ts';
import { type GitServer, startGitServer } from '../helpers/git-server.ts';
import { runPipeline } from '../helpers/gitlab-ci-local.ts';

const TOKEN = 'gl-update-token-5f3a9';

describe('the update component under gitlab-ci-local', () => {
  let server: GitServer;
  let reg: UpdateRegistry;

  before(async () => {
    reg = await startUpdateRegistry();
    await reg.push('acme/proxy', '1.25.0', 'proxy');
    await reg.tag('acme/proxy', '1.25.0', ['1.25.3', '1.26.0']);
    server = await startGitServer({ users: { oauth2: TOKEN } });
    await server.createRepo(
      'env',
      {
        'baton.yaml':
          `environments:\n  staging:\n    path: envs/staging\n    update:\n      - { image: ${reg.proxy.host}/acme/proxy, strategy: ` +
          `semver, range: "~1.25" }\n`,
        'envs/staging/kustomization.yaml': `images:\n  - name: ${reg.proxy.host}/acme/proxy\n    newTag: 1.25.0\n`,
      },
      { branch: 'main' },
    );
  });
  after(async () => {
    await Promise.all([server?.stop(), reg?.stop()]);
  });

  it('runs the job, pushes the update, writes the dotenv report; later jobs read the outputs', async () => {
    const pipeline = {
      stages: ['update', 'report'],
      include: [
        {
          local: 'templates/update.yml',
          inputs: {
            stage: 'update',
            repo: server.url('env'),
            mode: 'push',
            cache: '.baton/update-cache.json',
            insecure_registries: reg.proxy.host,
          },
        },
      ],
      report: { stage: 'report', needs: ['update'], script: ['echo "changed=[$BATON_CHANGED] files=[$BATON_FILES]"'] },
    };
    // The job reads registry credentials as in GitLab CI: CI_REGISTRY with CI_REGISTRY_USER/PASSWORD.
    const run = await runPipeline(pipeline, {
      BATON_TOKEN: TOKEN,
      CI_REGISTRY: reg.proxy.host,
      CI_REGISTRY_USER: REGISTRY_USER,
      CI_REGISTRY_PASSWORD: REGISTRY_PASSWORD,
    });
    try {
      assert.equal(run.code, 0, run.output);
      const head = (await server.log('env', 'main'))[0]!;
      assert.equal(head.subject, `staging: update ${reg.proxy.host}/acme/proxy to 1.25.3`);
      assert.match(run.output, /changed=\[true\] files=\[envs\/staging\/kustomization\.yaml\]/);
      const dotenv = await run.artifact('update', '.gitlab-ci-reports/dotenv/baton.env');
      assert.match(dotenv ?? '', /^BATON_UPDATES=.*1\.25\.3/m);
      assert.match((await run.artifact('update', 'baton-summary.md')) ?? '', /### Baton update/);
      assert.doesNotMatch(run.output, new RegExp(`${TOKEN}|${REGISTRY_PASSWORD}`));
    } finally {
      await run.cleanup();
    }
  });
});
