import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, runAction } from '../helpers/runner.ts';

test('dist/ is what a fresh build produces (run "npm run build" and commit dist/)', async () => {
  const out = await mkdtemp(join(tmpdir(), 'baton-dist-'));
  try {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.ts'), '--out', out], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    const fresh = (await readdir(out)).sort();
    assert.deepEqual((await readdir(join(ROOT, 'dist'))).sort(), fresh);
    for (const entry of fresh) {
      const files = (await readdir(join(out, entry))).sort();
      assert.deepEqual((await readdir(join(ROOT, 'dist', entry))).sort(), files, `dist/${entry} has other files`);
      for (const file of files) {
        const committed = await readFile(join(ROOT, 'dist', entry, file));
        assert.ok(committed.equals(await readFile(join(out, entry, file))), `dist/${entry}/${file} is stale`);
      }
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('every bundle starts on Node 24 and answers', async () => {
  const cli = spawnSync(process.execPath, [join(ROOT, 'dist/cli/index.cjs'), '--version'], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /^baton \d+\.\d+\.\d+\n$/);
  for (const entry of (await readdir(join(ROOT, 'dist'))).filter((e) => e !== 'cli')) {
    // Without inputs every action must refuse cleanly: exit 2 and an error that starts with an input's name.
    const run = await runAction(entry, {});
    assert.equal(run.code, 2, `${entry}: ${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /::error::[a-z-]+: /, entry);
  }
});
