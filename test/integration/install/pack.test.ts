/**
 * `npm pack` makes an installable package: installed globally into a scratch prefix, offline (the
 * bundles carry every dependency, so there is nothing to download), it gives a working `baton` that
 * answers `--version` and reads a local env repo's status.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kustomization } from '../../helpers/promote-fixture.ts';
import { cliOnlySpecs, stepSpecs } from '../../../src/specs/index.ts';

const root = join(import.meta.dirname, '../../..');
const API = 'ghcr.io/acme/api';

function git(cwd: string, args: string[]): string {
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'dev',
    GIT_AUTHOR_EMAIL: 'dev@example.com',
    GIT_COMMITTER_NAME: 'dev',
    GIT_COMMITTER_EMAIL: 'dev@example.com',
  };
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' });
}

describe('npm pack and a global install', () => {
  let scratch: string;
  let prefix: string;
  let files: string[];
  /** Node 24 first on PATH, so the installed `#!/usr/bin/env node` shim finds it. */
  const env = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env['PATH']}`,
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
  };

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'baton-pack-'));
    // The package as it would be published from a fresh build: package.json, README and dist/cli.
    const pkg = join(scratch, 'pkg');
    mkdirSync(pkg);
    for (const file of ['package.json', 'README.md']) copyFileSync(join(root, file), join(pkg, file));
    const built = spawnSync(process.execPath, ['scripts/build.ts', '--out', join(pkg, 'dist')], { cwd: root, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: pkg, env, encoding: 'utf8' });
    assert.equal(packed.status, 0, packed.stderr);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    files = info!.files.map((f) => f.path).sort();
    prefix = join(scratch, 'prefix');
    const install = spawnSync(
      'npm',
      ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, join(scratch, info!.filename)],
      { env, encoding: 'utf8' },
    );
    assert.equal(install.status, 0, install.stderr);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('ships only what the command needs, starting with a shebang and the run bit', () => {
    const stepBundles = [...stepSpecs, ...cliOnlySpecs].map((spec) => `dist/cli/${spec.name}.cjs`);
    assert.deepEqual(files, ['README.md', ...stepBundles, 'dist/cli/index.cjs', 'package.json'].sort());
    const installed = join(prefix, 'lib/node_modules/baton');
    assert.ok(readFileSync(join(installed, 'dist/cli/index.cjs'), 'utf8').startsWith('#!/usr/bin/env node\n'));
    assert.ok(statSync(join(installed, 'dist/cli/index.cjs')).mode & 0o100, 'executable');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest['dependencies'], undefined, 'no runtime dependencies to download');
  });

  it('baton --version and baton status run from the prefix', () => {
    const baton = join(prefix, 'bin/baton');
    const version = spawnSync(baton, ['--version'], { env, encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    const expected = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(version.stdout, `baton ${expected}\n`);

    const repo = join(scratch, 'env-repo');
    mkdirSync(join(repo, 'envs/staging'), { recursive: true });
    writeFileSync(join(repo, 'baton.yaml'), 'environments:\n  staging:\n    path: envs/staging\n');
    writeFileSync(join(repo, 'envs/staging/kustomization.yaml'), kustomization({ [API]: '1.4.2' }));
    git(repo, ['init', '--quiet', '--initial-branch', 'main']);
    git(repo, ['add', '.']);
    git(repo, ['commit', '--quiet', '-m', 'staging: api 1.4.2']);
    const status = spawnSync(baton, ['status', '--repo', repo, '--json'], { cwd: scratch, env, encoding: 'utf8' });
    assert.equal(status.status, 0, status.stderr);
    const doc = JSON.parse(status.stdout) as { matrix: { rows: { image: string; cells: Record<string, { tag?: string }> }[] } };
    assert.equal(doc.matrix.rows[0]!.image, API);
    assert.equal(doc.matrix.rows[0]!.cells['staging']!.tag, '1.4.2');
  });
});
