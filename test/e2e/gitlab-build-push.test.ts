import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningRegistry, skipWithout, skopeoInspect, startRegistry } from '../helpers/registry.ts';
import { runPipeline } from '../helpers/gitlab-ci-local.ts';
import { appCheckout, buildahStorage, type Scratch, scratch } from '../helpers/build-push.ts';

const USER = 'gitlab-ci-token';
const PASSWORD = 'gl-registry-pass-0b7d2';

describe('the build-push component under gitlab-ci-local, with buildah', {
  skip: skipWithout('docker-registry', 'skopeo', 'htpasswd', 'git', 'buildah'),
}, () => {
  let registry: RunningRegistry;
  let tmp: Scratch;
  let app: Awaited<ReturnType<typeof appCheckout>>;
  let buildahEnv: Record<string, string>;

  before(async () => {
    tmp = await scratch();
    [registry, app, buildahEnv] = await Promise.all([
      startRegistry({ htpasswd: { [USER]: PASSWORD } }),
      appCheckout(tmp.dir),
      buildahStorage(tmp.dir),
    ]);
  });
  after(async () => {
    await registry?.stop();
    await tmp?.cleanup();
  });

  it('builds the multi-stage Dockerfile, pushes with the CI_REGISTRY credentials, and later jobs read the outputs', async () => {
    const pipeline = {
      stages: ['build', 'report'],
      include: [
        {
          local: 'templates/build-push.yml',
          inputs: {
            stage: 'build',
            image: `${registry.host}/acme/web`,
            context: app.dir,
            file: `${app.dir}/Dockerfile.multistage`,
            builder: 'buildah',
            insecure_registries: registry.host,
            tags: 'ci-{{run}}',
          },
        },
      ],
      report: {
        stage: 'report',
        needs: ['build-push'],
        script: ['echo "digest=[$BATON_DIGEST] skipped=[$BATON_SKIPPED] builder=[$BATON_BUILDER] commit=[$CI_COMMIT_SHA]"'],
      },
    };
    const variables = { ...buildahEnv, CI_REGISTRY: registry.host, CI_REGISTRY_USER: USER, CI_REGISTRY_PASSWORD: PASSWORD };
    const run = await runPipeline(pipeline, variables);
    try {
      assert.equal(run.code, 0, run.output);
      const dotenv = (await run.artifact('build-push', '.gitlab-ci-reports/dotenv/baton.env')) ?? '';
      const digest = /^BATON_DIGEST=(sha256:[0-9a-f]{64})$/m.exec(dotenv)?.[1];
      assert.ok(digest, dotenv);
      const tag = /^BATON_TAGS=(.*)$/m.exec(dotenv)![1]!.split(',')[0]!;
      assert.equal(
        (await skopeoInspect(`docker://${tag}`, { creds: `${USER}:${PASSWORD}` })).Digest,
        digest,
        'the digest is the registry digest',
      );
      assert.match(dotenv, /^BATON_BUILDER=buildah$/m);
      const commit = new RegExp(`digest=\\[${digest}\\] skipped=\\[false\\] builder=\\[buildah\\] commit=\\[([0-9a-f]{40})\\]`).exec(
        run.output,
      )?.[1];
      assert.ok(commit, run.output);
      const tags = /^BATON_TAGS=(.*)$/m
        .exec(dotenv)![1]!
        .split(',')
        .map((ref) => ref.split(':').at(-1));
      assert.deepEqual(tags, ['main', `sha-${commit.slice(0, 7)}`, 'ci-0'], 'tags from the GitLab job variables');
      assert.match((await run.artifact('build-push', 'baton-summary.md')) ?? '', /### Baton build-push: 127\.0\.0\.1:\d+\/acme\/web/);
      assert.doesNotMatch(run.output, new RegExp(PASSWORD));
    } finally {
      await run.cleanup();
    }
  });
});
