import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EditPlan } from '../../../../src/core/edit/types.ts';
import type { EnvRepoCheckout } from '../../../../src/steps/shared/env-repo.ts';
import { pushChange, RACE_WINDOW_ATTEMPTS, raceDelay } from '../../../../src/steps/shared/env-write.ts';
import type { StepContext } from '../../../../src/steps/shared/types.ts';
import { tempDir } from '../../../helpers/git-temp.ts';

const POLICY = { attempts: 40, baseDelayMs: 250, maxDelayMs: 10_000 };
const half = { ...POLICY, random: () => 0.5 };

describe('raceDelay', () => {
  it('draws uniformly below a ceiling that doubles per attempt, from the base', () => {
    assert.equal(raceDelay(half, 1), 125);
    assert.equal(raceDelay(half, 2), 250);
    assert.equal(raceDelay(half, 3), 500);
    assert.equal(raceDelay({ ...POLICY, random: () => 0 }, 3), 0);
  });

  it('starts the window at RACE_WINDOW_ATTEMPTS times the length of the attempt that lost, when that is longer than the base', () => {
    assert.equal(RACE_WINDOW_ATTEMPTS, 12);
    assert.equal(raceDelay(half, 1, 200), 1200);
    assert.equal(raceDelay(half, 2, 200), 2400);
    assert.equal(raceDelay(half, 3, 200), 4800);
    assert.equal(raceDelay(half, 4, 200), 5000, 'capped at 10 s');
    assert.equal(raceDelay(half, 1, 10), 125, 'a short attempt keeps the base');
  });

  it('never waits longer than the policy maximum', () => {
    assert.equal(raceDelay({ ...POLICY, random: () => 0.999 }, 30, 60_000), 9990);
  });
});

describe('pushChange backoff', () => {
  it('sizes the wait after a lost race by how long the lost attempt took, on the injected clock', async () => {
    const work = await tempDir();
    try {
      let clock = 0;
      const pushes: string[] = ['rejected', 'rejected', 'pushed'];
      const repo = fakeRepo(work.path, pushes, () => (clock += 100));
      const waits: number[] = [];
      const plan: EditPlan = { edits: [{ file: 'a.yaml', before: 'a: 1\n', after: 'a: 2\n', changes: [] }], sites: new Map(), skipped: [] };
      const change = { plan: async () => plan, message: () => 'change', author: { name: 'a', email: 'a@example.invalid' } };
      const deps = { retry: { ...half, sleep: async (ms: number) => void waits.push(ms) }, now: () => clock };
      const outcome = await pushChange(repo, change, deps, quietContext());
      assert.equal(outcome.commit, 'c3');
      // Each attempt "takes" 100 ms (the push moves the clock): windows 1.2 s, then 2.4 s, half of each drawn.
      assert.deepEqual(waits, [600, 1200]);
    } finally {
      await work.remove();
    }
  });
});

function fakeRepo(dir: string, pushes: string[], tick: () => void): EnvRepoCheckout {
  let commits = 0;
  return {
    dir,
    branch: 'main',
    head: async () => `c${commits}`,
    listFiles: async () => ['a.yaml'],
    commit: async () => `c${++commits}`,
    push: async () => {
      tick();
      return pushes.shift() as 'pushed' | 'rejected';
    },
    refresh: async () => {},
    carryOver: async () => 'refreshed',
    setSparse: async () => {},
    checkoutNewBranch: async () => {},
    remoteBranchHead: async () => undefined,
    treeOf: async () => undefined,
    cleanup: async () => {},
  };
}

function quietContext(): StepContext {
  const log = { info() {}, warn() {}, secret() {}, group: <T>(_: string, body: () => Promise<T>) => body(), status() {} };
  return { log, env: {}, cwd: '.' } as unknown as StepContext;
}
