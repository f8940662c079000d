import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type GitServer, startGitServer } from '../helpers/git-server.ts';
import { runPipeline } from '../helpers/gitlab-ci-local.ts';

const TOKEN = 'gl-runner-token-8e2b0';
const FILES = {
  'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n',
  'envs/staging/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - ' +
    'name: api\n          image: ghcr.io/acme/api:1.0.0\n',
};

describe('the bump component under gitlab-ci-local', () => {
  let server: GitServer;
  before(async () => {
    server = await startGitServer({ users: { oauth2: TOKEN } });
    await server.createRepo('env', FILES, { branch: 'main' });
  });
  after(() => server.stop());

  it('runs the job, writes the dotenv report and a summary artifact, and later jobs read the outputs', async () => {
    const pipeline = {
      stages: ['deploy', 'report'],
      include: [{ local: 'templates/bump.yml', inputs: { repo: server.url('env'), env: 'staging', image: 'ghcr.io/acme/api:1.5.0' } }],
      report: { stage: 'report', needs: ['bump'], script: ['echo "changed=[$BATON_CHANGED] new=[$BATON_NEW_TAG] commit=[$BATON_COMMIT]"'] },
    };
    const run = await runPipeline(pipeline, { BATON_TOKEN: TOKEN, GIT_USERNAME: 'oauth2' });
    try {
      assert.equal(run.code, 0, run.output);
      const head = (await server.log('env', 'main'))[0]!;
      assert.equal(head.subject, 'staging: bump ghcr.io/acme/api to 1.5.0');
      assert.match(run.output, new RegExp(`changed=\\[true\\] new=\\[1\\.5\\.0\\] commit=\\[${head.oid}\\]`));
      const dotenv = await run.artifact('bump', '.gitlab-ci-reports/dotenv/baton.env');
      assert.match(dotenv ?? '', /^BATON_CHANGED=true$/m);
      assert.match(dotenv ?? '', /^BATON_FILES=envs\/staging\/deployment\.yaml$/m);
      assert.match((await run.artifact('bump', 'baton-summary.md')) ?? '', /### Baton bump: staging/);
      assert.doesNotMatch(run.output, new RegExp(TOKEN));
    } finally {
      await run.cleanup();
    }
  });

  it('a message naming $CI_JOB_TOKEN or $BATON_TOKEN reaches the commit literally, never expanded', async () => {
    const message = 'staging: release 1.6.0 ($CI_JOB_TOKEN, ${BATON_TOKEN})';
    const pipeline = {
      stages: ['deploy'],
      include: [
        { local: 'templates/bump.yml', inputs: { repo: server.url('env'), env: 'staging', image: 'ghcr.io/acme/api:1.6.0', message } },
      ],
    };
    const run = await runPipeline(pipeline, { BATON_TOKEN: TOKEN, GIT_USERNAME: 'oauth2' });
    try {
      assert.equal(run.code, 0, run.output);
      const head = (await server.log('env', 'main'))[0]!;
      assert.equal(head.subject, message);
      assert.ok(!head.message.includes(TOKEN), head.message);
    } finally {
      await run.cleanup();
    }
  });

  it('bad input fails the job with exit 2 and the input named; nothing is pushed', async () => {
    const before = await server.log('env', 'main');
    const pipeline = {
      stages: ['deploy'],
      include: [{ local: 'templates/bump.yml', inputs: { repo: server.url('env'), env: 'prod', image: 'ghcr.io/acme/api:2.0.0' } }],
    };
    const run = await runPipeline(pipeline, { BATON_TOKEN: TOKEN });
    try {
      assert.notEqual(run.code, 0);
      assert.match(run.output, /env: "prod" is not an environment in baton\.yaml \(known: staging\)/);
      assert.deepEqual(await server.log('env', 'main'), before);
    } finally {
      await run.cleanup();
    }
  });
});
