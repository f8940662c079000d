/**
 * The demo: Baton's main job on embedded defaults. Makes a scratch env repo from examples/env-repo,
 * bumps staging with the `baton` command (dist/cli), shows the commit, then bumps again to show that a
 * bump already in place changes nothing. Needs only Node 24 and git.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist/cli/index.cjs');
const work = mkdtempSync(join(tmpdir(), 'baton-demo-'));
const repo = join(work, 'env-repo');
const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' });

function step(title: string): void {
  process.stdout.write(`\n\x1b[1m== ${title}\x1b[0m\n`);
}

function baton(...args: string[]): Record<string, string> {
  process.stdout.write(`$ baton ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [cli, ...args, '--json'], { encoding: 'utf8' });
  process.stdout.write(result.stderr.replace(/^/gm, '  '));
  if (result.status !== 0) throw new Error(`baton ${args[0]} exited with ${result.status}`);
  return JSON.parse(result.stdout) as Record<string, string>;
}

try {
  step('A local env repo from examples/env-repo (kustomize base, staging and production overlays)');
  cpSync(join(root, 'examples/env-repo'), repo, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git('add', '-A');
  git('-c', 'user.name=demo', '-c', 'user.email=demo@example.invalid', 'commit', '-qm', 'initial environments');
  process.stdout.write(git('log', '--oneline'));

  step('bump staging to 0.2.0');
  const first = baton('bump', '--repo', repo, '--env', 'staging', '--image', 'localhost:5000/baton/hello:0.2.0');
  process.stdout.write(`outputs: changed=${first['changed']} old-tag=${first['old-tag']} new-tag=${first['new-tag']} commit=${first['commit']?.slice(0, 12)}\n`);
  process.stdout.write(git('show', '--stat', '--format=%n%B', 'HEAD'));
  process.stdout.write(git('show', '--format=', 'HEAD'));

  step('the same bump again: already in place, nothing to commit');
  const second = baton('bump', '--repo', repo, '--env', 'staging', '--image', 'localhost:5000/baton/hello:0.2.0');
  process.stdout.write(`outputs: changed=${second['changed']} commit=${second['commit']?.slice(0, 12)}\n`);
  if (first['changed'] !== 'true' || second['changed'] !== 'false' || second['commit'] !== first['commit']) {
    throw new Error('the demo did not behave as expected');
  }
  step('done');
} finally {
  rmSync(work, { recursive: true, force: true });
}
