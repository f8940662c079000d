import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
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
      if (!(await stat(join(out, entry))).isDirectory()) {
        assert.ok((await readFile(join(ROOT, 'dist', entry))).equals(await readFile(join(out, entry))), `dist/${entry} is stale`);
        continue;
      }
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
  const entries = await readdir(join(ROOT, 'dist'), { withFileTypes: true });
  for (const entry of entries.filter((e) => e.isDirectory() && e.name !== 'cli').map((e) => e.name)) {
    // Without inputs every action must refuse cleanly: exit 2 and an error that starts with an input's name.
    const run = await runAction(entry, {});
    assert.equal(run.code, 2, `${entry}: ${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /::error::[a-z-]+: /, entry);
  }
});

test('the version comes from package.json', async () => {
  const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const cli = spawnSync(process.execPath, [join(ROOT, 'dist/cli/index.cjs'), '--version'], { encoding: 'utf8' });
  assert.equal(cli.stdout, `baton ${version}\n`);
});

/** The package directory of every module esbuild put in a bundle (it heads each with `// <path>`). */
async function bundledPackageDirs(): Promise<Set<string>> {
  const dirs = new Set<string>();
  for (const file of await readdir(join(ROOT, 'dist'), { recursive: true })) {
    if (!file.endsWith('.cjs')) continue;
    for (const [, path] of (await readFile(join(ROOT, 'dist', file), 'utf8')).matchAll(/^\/\/ (node_modules\/\S+)$/gm)) {
      const at = path!.lastIndexOf('node_modules/') + 'node_modules/'.length;
      const parts = path!.slice(at).split('/');
      dirs.add(path!.slice(0, at) + parts.slice(0, parts[0]!.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  return dirs;
}

test('dist/licenses.txt names every bundled package with its licence', async () => {
  const lines = (await readFile(join(ROOT, 'dist/licenses.txt'), 'utf8')).split('\n');
  const dirs = await bundledPackageDirs();
  assert.ok(dirs.size > 10, `only ${dirs.size} bundled packages found`);
  for (const dir of dirs) {
    const { name, version } = JSON.parse(await readFile(join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; version: string };
    const at = lines.indexOf(`${name} ${version}`);
    assert.ok(at >= 0, `${name} ${version} (bundled from ${dir}) is missing from dist/licenses.txt`);
    const license = /^License: (\S.*)$/.exec(lines[at + 1] ?? '')?.[1];
    assert.ok(license && license !== 'UNKNOWN', `${name} ${version} has no licence`);
  }
});

test('.gitattributes marks dist/ and every file generated from the specs as generated', async () => {
  const { stepSpecs } = await import('../../src/specs/index.ts');
  const generated = [
    'dist/cli/index.cjs',
    'dist/licenses.txt',
    ...stepSpecs.flatMap((spec) => [`actions/${spec.name}/action.yml`, `templates/${spec.name}.yml`, `docs/${spec.name}.md`]),
  ];
  const check = spawnSync(
    'git',
    ['check-attr', 'linguist-generated', 'diff', '--', ...generated, 'templates/rollback-pipeline.yml', 'src/core/errors.ts'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(check.status, 0, check.stderr);
  const attrs = new Map<string, string>();
  for (const line of check.stdout.trim().split('\n')) {
    const [path, attr, value] = line.split(': ');
    attrs.set(`${path} ${attr}`, value!);
  }
  for (const path of generated) assert.equal(attrs.get(`${path} linguist-generated`), 'true', path);
  assert.equal(attrs.get('dist/cli/index.cjs diff'), 'unset');
  assert.equal(attrs.get('templates/rollback-pipeline.yml linguist-generated'), 'unset');
  assert.equal(attrs.get('src/core/errors.ts linguist-generated'), 'unspecified');
});
