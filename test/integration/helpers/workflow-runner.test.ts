/**
 * The runner emulator against GitHub's documented rules: status check functions ("Expressions: status
 * check functions"), `jobs.<job_id>.needs` (a job whose needed job failed or was skipped is skipped unless
 * its `if` uses a status check function) and `jobs.<job_id>.outputs` (a failed job's outputs reach the
 * jobs that run after it). Jobs here are `run:` steps only, so each test spawns a few `bash`es and no node.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runWorkflow, type WorkflowRun } from '../../helpers/workflow-runner.ts';

type Jobs = Parameters<typeof runWorkflow>[0]['jobs'];

const ok = { steps: [{ run: 'true' }] };
const fails = { steps: [{ run: 'exit 1' }] };
const skipped = { if: 'false', steps: [{ run: 'true' }] };

function run(jobs: Jobs): Promise<WorkflowRun> {
  return runWorkflow({ on: 'push', jobs }, { github: { repository: 'acme/app', event_name: 'push' } });
}

function results(run: WorkflowRun): Record<string, string> {
  return Object.fromEntries(Object.entries(run.jobs).map(([name, job]) => [name, job.result]));
}

describe('workflow runner: job-level status check functions', () => {
  it('a job without if runs when every needed job succeeded', async () => {
    assert.deepEqual(results(await run({ a: ok, b: { needs: 'a', ...ok } })), { a: 'success', b: 'success' });
  });

  it('a failed needed job skips a job without a status function, also one whose if names needs.*.result', async () => {
    const r = await run({ a: fails, b: { needs: 'a', ...ok }, c: { needs: 'a', if: "needs.a.result == 'failure'", ...ok } });
    assert.deepEqual(results(r), { a: 'failure', b: 'skipped', c: 'skipped' });
    assert.equal(r.result, 'failure');
  });

  it('a skipped needed job skips a job without a status function (implicit success())', async () => {
    const r = await run({ a: skipped, b: { needs: 'a', ...ok }, c: { needs: 'a', if: "needs.a.result == 'skipped'", ...ok } });
    assert.deepEqual(results(r), { a: 'skipped', b: 'skipped', c: 'skipped' });
    assert.equal(r.result, 'success');
  });

  it('failure() is true when a needed job failed', async () => {
    const r = await run({ a: fails, b: { needs: 'a', if: 'failure()', ...ok } });
    assert.deepEqual(results(r), { a: 'failure', b: 'success' });
  });

  it('failure() is false when a needed job was skipped: a skipped job is not a failure', async () => {
    // `!failure()` names a status function, so no implicit success() is added and the job runs.
    const r = await run({ a: skipped, b: { needs: 'a', if: 'failure()', ...ok }, c: { needs: 'a', if: '${{ !failure() }}', ...ok } });
    assert.deepEqual(results(r), { a: 'skipped', b: 'skipped', c: 'success' });
  });

  it('failure() is true when any ancestor failed, also through a skipped job in between', async () => {
    const r = await run({ a: fails, b: { needs: 'a', ...ok }, c: { needs: 'b', if: 'failure()', ...ok } });
    assert.deepEqual(results(r), { a: 'failure', b: 'skipped', c: 'success' });
  });

  it('success() is false when an ancestor failed, even if the job in between ran with always() and succeeded', async () => {
    const r = await run({
      a: fails,
      b: { needs: 'a', if: 'always()', ...ok },
      c: { needs: 'b', ...ok },
      d: { needs: 'b', if: 'success()', ...ok },
    });
    assert.deepEqual(results(r), { a: 'failure', b: 'success', c: 'skipped', d: 'skipped' });
  });

  it('success() is false when a needed job was skipped', async () => {
    const r = await run({ a: skipped, b: { needs: 'a', if: 'success()', ...ok }, c: { needs: 'a', if: '!success()', ...ok } });
    assert.deepEqual(results(r), { a: 'skipped', b: 'skipped', c: 'success' });
  });

  it('always() runs after a failed and after a skipped needed job; its if can still read needs.*.result', async () => {
    const r = await run({
      a: fails,
      s: skipped,
      b: { needs: ['a', 's'], if: 'always()', ...ok },
      c: { needs: 'a', if: "always() && needs.a.result == 'success'", ...ok },
    });
    assert.deepEqual(results(r), { a: 'failure', s: 'skipped', b: 'success', c: 'skipped' });
  });

  it('cancelled() is false: nothing is cancelled here', async () => {
    const r = await run({ a: fails, b: { needs: 'a', if: 'cancelled()', ...ok }, c: { needs: 'a', if: '!cancelled()', ...ok } });
    assert.deepEqual(results(r), { a: 'failure', b: 'skipped', c: 'success' });
  });
});

describe('workflow runner: job outputs and the needs context', () => {
  it("a failed job's outputs set before it failed reach a job that runs after it", async () => {
    const r = await run({
      a: {
        outputs: { early: '${{ steps.one.outputs.value }}', late: '${{ steps.three.outputs.value }}' },
        steps: [
          { id: 'one', run: 'echo value=set-before >> "$GITHUB_OUTPUT"' },
          { id: 'two', run: 'exit 1' },
          { id: 'three', run: 'echo value=never >> "$GITHUB_OUTPUT"' },
        ],
      },
      b: {
        needs: 'a',
        if: 'always()',
        steps: [
          {
            id: 'seen',
            run:
              'echo "early=${{ needs.a.outputs.early }} late=${{ needs.a.outputs.late }} result=${{ needs.a.result }}" >> ' +
              '"$GITHUB_OUTPUT"; echo "seen=$(tail -1 "$GITHUB_OUTPUT")" >> "$GITHUB_OUTPUT"',
          },
        ],
      },
    });
    assert.deepEqual(r.jobs['a']!.outputs, { early: 'set-before', late: '' });
    assert.equal(r.jobs['b']!.steps[0]!.outputs['seen'], 'early=set-before late= result=failure');
  });

  it('a skipped job has result skipped and no outputs', async () => {
    const r = await run({
      a: { if: 'false', outputs: { x: 'constant' }, steps: [{ run: 'true' }] },
      b: {
        needs: 'a',
        if: 'always()',
        steps: [{ id: 'seen', run: 'echo "seen=[${{ needs.a.outputs.x }}] ${{ needs.a.result }}" >> "$GITHUB_OUTPUT"' }],
      },
    });
    assert.deepEqual(r.jobs['a']!.outputs, {});
    assert.equal(r.jobs['b']!.steps[0]!.outputs['seen'], '[] skipped');
  });

  it('the needs context holds only the direct needs', async () => {
    const r = await run({
      a: { outputs: { x: 'from-a' }, ...ok },
      b: { needs: 'a', ...ok },
      c: {
        needs: 'b',
        steps: [
          { id: 'seen', env: { NEEDS: '${{ toJSON(needs) }}' }, run: 'echo "seen=$(tr -d \' \\n\' <<< "$NEEDS")" >> "$GITHUB_OUTPUT"' },
        ],
      },
    });
    assert.deepEqual(JSON.parse(r.jobs['c']!.steps[0]!.outputs['seen']!), { b: { result: 'success', outputs: {} } });
  });
});

describe('workflow runner: step-level status check functions', () => {
  it('after a failed step: steps without a status function are skipped, failure() and always() steps run', async () => {
    const r = await run({
      a: {
        steps: [
          { id: 'bad', run: 'exit 1' },
          { id: 'plain', run: 'true' },
          { id: 'onfail', if: 'failure()', run: 'true' },
          { id: 'ifsuccess', if: 'success()', run: 'true' },
          { id: 'anyway', if: 'always()', run: 'true' },
          { id: 'outcome', if: "always() && steps.bad.outcome == 'failure'", run: 'true' },
        ],
      },
    });
    assert.deepEqual(
      r.jobs['a']!.steps.map((s) => [s.id, s.outcome]),
      [
        ['bad', 'failure'],
        ['plain', 'skipped'],
        ['onfail', 'success'],
        ['ifsuccess', 'skipped'],
        ['anyway', 'success'],
        ['outcome', 'success'],
      ],
    );
    assert.equal(r.jobs['a']!.result, 'failure');
  });

  it('continue-on-error: the step fails, the job goes on as successful', async () => {
    const r = await run({
      a: {
        steps: [
          { id: 'bad', run: 'exit 1', 'continue-on-error': true },
          { id: 'next', run: 'true' },
          { id: 'onfail', if: 'failure()', run: 'true' },
          { id: 'conclusion', if: "steps.bad.outcome == 'failure' && steps.bad.conclusion == 'success'", run: 'true' },
        ],
      },
    });
    assert.deepEqual(
      r.jobs['a']!.steps.map((s) => [s.id, s.outcome]),
      [
        ['bad', 'failure'],
        ['next', 'success'],
        ['onfail', 'skipped'],
        ['conclusion', 'success'],
      ],
    );
    assert.equal(r.jobs['a']!.result, 'success');
  });
});

/** Whether a process runs (a zombie waiting to be reaped has stopped running). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) Z /.test(stat);
}

describe('workflow runner: processes a job leaves running', () => {
  it('live until the job ends, then the runner stops them (orphan process clean-up)', async () => {
    const r = await run({
      a: {
        steps: [
          { id: 'start', run: 'sleep 600 >/dev/null 2>&1 & echo "pid=$!" >> "$GITHUB_OUTPUT"' },
          { id: 'later', run: 'kill -0 ${{ steps.start.outputs.pid }} && echo "alive=yes" >> "$GITHUB_OUTPUT"' },
        ],
      },
    });
    assert.equal(r.jobs['a']!.steps[1]!.outputs['alive'], 'yes', 'a later step of the job still reaches it');
    const pid = Number(r.jobs['a']!.steps[0]!.outputs['pid']);
    // SIGKILL is sent before runWorkflow returns; the kernel takes it from there: wait for that event.
    while (await running(pid)) await sleep(10);
  });
});
