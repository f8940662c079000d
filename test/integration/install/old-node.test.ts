/**
 * On a Node older than 24, the README's two commands (`npm ci && npm run demo`, `npm ci && npm test`),
 * the `baton` command and the action bundles stop at once with one plain line naming Node 24 and how to
 * get it, instead of failing deep inside a TypeScript loader or a dependency.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { oldNode } from '../../helpers/old-node.ts';

const root = join(import.meta.dirname, '../../..');
const NEEDS = /Baton needs Node 24 or newer; this is Node \d+\./;
const HOW = /nvm install|fnm|nodejs\.org/;

describe('an older Node', () => {
  const old = oldNode();
  /** The old Node first on PATH, as on a machine that ships it; npm's own `#!/usr/bin/env node` finds it. */
  const env = { ...process.env, PATH: `${dirname(old.path)}:${process.env['PATH']}`, NO_COLOR: '1', npm_config_update_notifier: 'false' };
  let scratch: string;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'baton-old-node-'));
    const built = spawnSync(process.execPath, ['scripts/build.ts', '--out', join(scratch, 'dist')], { cwd: root, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const script of ['demo', 'test']) {
    it(`npm run ${script} stops before anything else`, () => {
      const run = spawnSync('npm', ['run', script], { cwd: root, env, encoding: 'utf8' });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, NEEDS);
      assert.match(run.stderr, HOW);
      assert.match(run.stderr, new RegExp(`this is Node ${old.major}\\.`));
      // Nothing after the check ran: no build, no TypeScript loader error.
      assert.doesNotMatch(run.stdout + run.stderr, /ERR_UNKNOWN_FILE_EXTENSION|built \d+ bundle|== type-check/);
    });
  }

  it('npm ci refuses the engine (engine-strict)', () => {
    const project = join(scratch, 'project');
    mkdirSync(project);
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(root, file), join(project, file));
    const run = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: project, env, encoding: 'utf8' });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /EBADENGINE|Unsupported engine/);
    assert.match(run.stderr, /"node":">=24"/);
  });

  it('the baton command and an action bundle check the version before loading anything', () => {
    for (const bundle of ['cli/index.cjs', 'verify/index.cjs', 'status/index.cjs']) {
      const run = spawnSync(old.path, [join(scratch, 'dist', bundle), 'verify', '--help'], { env, encoding: 'utf8' });
      assert.equal(run.status, 1, bundle);
      assert.match(run.stderr, NEEDS, bundle);
      assert.match(run.stderr, HOW, bundle);
      assert.equal(run.stderr.trim().split('\n').length, 1, `${bundle}: one line, no stack`);
      assert.equal(run.stdout, '');
    }
  });
});
