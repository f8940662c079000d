/**
 * This repository's own .gitlab-ci.yml, run by gitlab-ci-local as GitLab would run it in the component
 * project: every component included from the project at the commit under test
 * (`$CI_SERVER_FQDN/$CI_PROJECT_PATH/<step>@$CI_COMMIT_SHA`), its job given a scratch env repo, and a
 * check job per component reading the component's dotenv report through `needs`. The jobs that need
 * GitLab's own infrastructure (the npm test run, the image build, the catalog release) are left out;
 * so are the tests of steps whose command has not landed yet (see pendingSteps).
 */
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { freePort } from '../helpers/registry.ts';
import { type PipelineRun, runPipeline } from '../helpers/gitlab-ci-local.ts';
import { ROOT } from '../helpers/runner.ts';
import { pendingSteps, type Scratch, scratch } from '../helpers/chain-fixture.ts';

const STEPS = ['build-push', 'bump', 'validate', 'verify', 'promote', 'rollback', 'status'];

describe("the repository's .gitlab-ci.yml tests each component the way GitLab recommends", () => {
  let tmp: Scratch;
  let run: PipelineRun;
  const pending = pendingSteps('gitlab', STEPS);
  const steps = STEPS.filter((step) => !pending.includes(step));

  before(async () => {
    tmp = await scratch('baton-gl-repo-');
    await cp(join(ROOT, 'examples'), join(tmp.dir, 'examples'), { recursive: true });
    const pipeline = await readFile(join(ROOT, '.gitlab-ci.yml'), 'utf8');
    const jobs = steps.flatMap((step) => [`test-${step}`, `check-${step}`]);
    run = await runPipeline(pipeline, { TEST_PORT: String(await freePort()) }, jobs, {
      origin: 'https://gitlab.example.com/acme/baton.git',
      files: tmp.dir,
    });
  });
  after(async () => {
    await run?.cleanup();
    await tmp?.cleanup();
  });

  it('every component job and its check pass', () => {
    assert.equal(run.code, 0, run.output);
    for (const step of steps) {
      assert.match(run.output, new RegExp(`PASS\\s+test-${step}\\b`), `test-${step}`);
      assert.match(run.output, new RegExp(`PASS\\s+check-${step}\\b`), `check-${step}`);
    }
  });

  it('the components were included from this project at this commit', async () => {
    const expanded = parse((await run.artifact('test-bump', '../../expanded-gitlab-ci.yml')) ?? '{}') as Record<
      string,
      { image: { name: string }; resource_group?: string }
    >;
    assert.match(expanded['test-bump']?.image.name ?? '', /^\$CI_REGISTRY_IMAGE\/baton:[0-9a-f]{40}$/);
    assert.equal(expanded['test-bump']?.resource_group, 'baton-staging');
    assert.equal(expanded['test-validate']?.resource_group, undefined);
  });
});
