/**
 * The GitLab rollback pipeline (templates/rollback-pipeline.yml) under gitlab-ci-local: spec:inputs with
 * options, a manual job that does nothing until played, `baton rollback` then `baton status` through
 * dist/cli, the dotenv report, and free text that is never expanded.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { type GitServer, startGitServer } from '../helpers/git-server.ts';
import { runPipeline } from '../helpers/gitlab-ci-local.ts';
import { ROOT } from '../helpers/runner.ts';
import { batonYaml, bump, kustomization } from '../helpers/promote-fixture.ts';

const TOKEN = 'gl-rollback-token-93ad1';
const API = 'ghcr.io/acme/api';
const FILE = 'envs/production/kustomization.yaml';

describe('the GitLab rollback pipeline under gitlab-ci-local', () => {
  let server: GitServer;
  const pipeline = (inputs: Record<string, string>) => ({
    include: [{ local: 'templates/rollback-pipeline.yml', inputs: { repo: server.url('env'), ...inputs } }],
  });

  before(async () => {
    server = await startGitServer({ users: { oauth2: TOKEN, 'x-access-token': TOKEN } });
    await server.createRepo('env', {
      'baton.yaml': batonYaml(),
      'envs/staging/kustomization.yaml': kustomization({ [API]: '1.0.0' }),
      [FILE]: kustomization({ [API]: '1.0.0' }),
    });
    for (const tag of ['1.1.0', '1.2.0'])
      assert.equal((await bump(server, 'env', TOKEN, { env: 'production', image: `${API}:${tag}` })).code, 0);
  });
  after(() => server.stop());

  it('declares its inputs with options, a manual job with environment: and a resource group', async () => {
    const [header, jobs] = (await readFile(join(ROOT, 'templates/rollback-pipeline.yml'), 'utf8'))
      .split('\n---\n')
      .map((part) => parse(part));
    assert.deepEqual(header.spec.inputs.environment.options, ['staging', 'production']);
    assert.deepEqual(header.spec.inputs.mode.options, ['', 'push', 'pr']);
    assert.equal(header.spec.inputs.reason.default, undefined, 'a reason is required');
    const job = jobs['baton-rollback'];
    assert.deepEqual(job.rules, [{ when: 'manual' }]);
    assert.equal(job.environment.name, '$[[ inputs.environment ]]');
    assert.equal(job.resource_group, 'baton-$[[ inputs.environment ]]');
    assert.deepEqual(job.script, ['baton rollback']);
    assert.deepEqual(jobs['baton-rollback-status'].needs, ['baton-rollback']);
  });

  it('does nothing until the manual job is played', async () => {
    const before = await server.log('env', 'main');
    const run = await runPipeline(pipeline({ environment: 'production', reason: 'not yet' }), { BATON_TOKEN: TOKEN });
    try {
      assert.deepEqual(await server.log('env', 'main'), before, run.output);
    } finally {
      await run.cleanup();
    }
  });

  it('played: rolls production back, holds it, reports outputs, and the status job shows the hold', async () => {
    const before = await server.log('env', 'main');
    const reason = 'costs $5k/h, see $INCIDENT';
    const run = await runPipeline(pipeline({ environment: 'production', reason }), { BATON_TOKEN: TOKEN, GITLAB_USER_LOGIN: 'carol' }, [
      '--manual',
      'baton-rollback',
    ]);
    try {
      assert.equal(run.code, 0, run.output);
      const log = await server.log('env', 'main');
      assert.equal(log.length, before.length + 1, run.output);
      assert.equal(log[0]!.subject, `production: roll back ${API} to 1.1.0`);
      assert.ok(log[0]!.message.includes(`Baton-Reason: ${reason}`), `the reason is not expanded: ${log[0]!.message}`);
      assert.match((await server.readFile('env', 'main', FILE))!, /# baton-hold: ghcr\.io\/acme\/api by "carol"/);
      const dotenv = (await run.artifact('baton-rollback', '.gitlab-ci-reports/dotenv/baton.env')) ?? '';
      assert.match(dotenv, new RegExp(`^BATON_COMMIT=${log[0]!.oid}$`, 'm'));
      assert.match(dotenv, new RegExp(`^BATON_RESTORED=${before[1]!.oid}$`, 'm'));
      assert.match((await run.artifact('baton-rollback', 'baton-summary.md')) ?? '', /### Baton rollback: production/);
      assert.match((await run.artifact('baton-rollback-status', 'baton-summary.md')) ?? '', /\*\*held\*\* by carol/);
      assert.doesNotMatch(run.output, new RegExp(TOKEN));
    } finally {
      await run.cleanup();
    }
  });

  it('an environment outside the options is refused before any job runs', async () => {
    const before = await server.log('env', 'main');
    const run = await runPipeline(pipeline({ environment: 'qa', reason: 'x' }), { BATON_TOKEN: TOKEN }, ['--manual', 'baton-rollback']);
    try {
      assert.notEqual(run.code, 0);
      assert.match(run.output, /`environment` input: `qa` cannot be used because it is not in the list of allowed options/);
      assert.deepEqual(await server.log('env', 'main'), before);
    } finally {
      await run.cleanup();
    }
  });
});
