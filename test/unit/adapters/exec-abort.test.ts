import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { execRaw } from '../../../src/adapters/exec.ts';

/** Whether `pid` still runs: a zombie (dead, not yet reaped by an init that does not reap) does not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}

describe('execRaw with an abort signal', () => {
  // A hang here (the grandchild holding the pipes for ten minutes) fails by the timeout, not by a clock.
  test('kills the program and what it started (as git its remote helper), then resolves', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-test-exec-abort-'));
    try {
      const pidFile = join(dir, 'pid');
      const abort = new AbortController();
      const running = execRaw('sh', ['-c', `sleep 600 & echo $! > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}; wait`], {
        signal: abort.signal,
      });
      while (!existsSync(pidFile)) await sleep(5);
      const grandchild = Number(readFileSync(pidFile, 'utf8'));
      assert.ok(alive(grandchild));
      abort.abort();
      const result = await running;
      assert.notEqual(result.code, 0);
      assert.equal(alive(grandchild), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an aborted signal starts nothing', async () => {
    const abort = new AbortController();
    abort.abort(new Error('gone'));
    await assert.rejects(execRaw('sh', ['-c', 'exit 0'], { signal: abort.signal }), /gone/);
  });
});
