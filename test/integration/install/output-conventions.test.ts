/**
 * The command line's output conventions, for every step: results on stdout (name=value lines, or one
 * JSON document with `--json` whose JSON outputs are nested as JSON), logs and the summary on stderr, no
 * ANSI codes when the output is not a terminal, bad input named with exit 2 (and with `--json`, the error
 * as the one document on stdout). Runs `src/entry/cli.ts` as `baton` runs it, against a local env repo.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliOnlySpecs, stepSpecs } from '../../../src/specs/index.ts';
import { kustomization } from '../../helpers/promote-fixture.ts';

const root = join(import.meta.dirname, '../../..');
const API = 'ghcr.io/acme/api';
const ESC = '\x1b';
const gitEnv = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
};

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('output conventions of the baton command', () => {
  let scratch: string;
  let repo: string;
  const env = { ...process.env, ...gitEnv, FORCE_COLOR: '1', USER: 'dev' } as Record<string, string | undefined>;
  for (const name of Object.keys(env)) if (/^(CI|GITHUB_.*|GITLAB_.*|BATON_.*|RUNNER_.*|NO_COLOR)$/.test(name)) delete env[name];
  const baton = (args: string[]): Run => {
    const run = spawnSync(process.execPath, [join(root, 'src/entry/cli.ts'), ...args], { cwd: scratch, env, encoding: 'utf8' });
    assert.ok(!run.stdout.includes(ESC) && !run.stderr.includes(ESC), `no ANSI codes from baton ${args.join(' ')}`);
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };
  const json = (run: Run): Record<string, unknown> => {
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'baton-conventions-'));
    repo = join(scratch, 'env-repo');
    mkdirSync(join(repo, 'envs/staging'), { recursive: true });
    mkdirSync(join(repo, 'envs/production'), { recursive: true });
    writeFileSync(
      join(repo, 'baton.yaml'),
      'environments:\n  staging:\n    path: envs/staging\n  production:\n    path: envs/production\n    promote-from: staging\n',
    );
    writeFileSync(join(repo, 'envs/staging/kustomization.yaml'), kustomization({ [API]: '1.0.0' }));
    writeFileSync(join(repo, 'envs/production/kustomization.yaml'), kustomization({ [API]: '1.0.0' }));
    const git = (args: string[]) => execFileSync('git', args, { cwd: repo, env: { ...process.env, ...gitEnv } });
    git(['init', '--quiet', '--initial-branch', 'main']);
    git(['add', '.']);
    git(['commit', '--quiet', '-m', 'environments']);
    // Pushing to the checked-out branch of a local repo is refused by default; an env repo is a remote.
    git(['config', 'receive.denyCurrentBranch', 'updateInstead']);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const spec of [...stepSpecs, ...cliOnlySpecs]) {
    it(`${spec.name}: bad input is named on stderr, exit 2, and is the one JSON document on stdout`, () => {
      const run = baton([spec.name, '--json', '--no-such-flag', 'x']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^error: .*no-such-flag/m);
      assert.deepEqual(Object.keys(JSON.parse(run.stdout) as object).sort(), ['error', 'exitCode']);
      if (!spec.inputs.some((input) => input.required)) return;
      // A required input left out: named, exit 2, and again one JSON document.
      const missing = baton([spec.name, '--json']);
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(missing.stderr, /^error: [a-z-]+/m);
      assert.equal((JSON.parse(missing.stdout) as { exitCode: number }).exitCode, 2);
    });
    it(`${spec.name}: --help is the result, on stdout`, () => {
      const run = baton([spec.name, '--help']);
      assert.equal(run.code, 0);
      assert.match(run.stdout, new RegExp(`^Usage: baton ${spec.name} \\[options\\].*\n\nbaton ${spec.name}: `));
      assert.equal(run.stderr, '');
    });
  }

  it('bump: outputs on stdout (name=value, or JSON), its log on stderr', () => {
    const plain = baton(['bump', '--repo', repo, '--env', 'staging', '--image', `${API}:1.1.0`]);
    assert.equal(plain.code, 0, plain.stderr);
    for (const line of plain.stdout.trim().split('\n')) assert.match(line, /^[a-z-]+=/, `stdout holds only outputs: ${line}`);
    assert.ok(plain.stderr.length > 0, 'the log goes to stderr');
    const again = json(baton(['bump', '--repo', repo, '--env', 'staging', '--image', `${API}:1.1.0`, '--json']));
    assert.equal(again['changed'], 'false');
  });

  it('status: --json nests the matrix as JSON; an unknown image is bad input', () => {
    const doc = json(baton(['status', '--repo', repo, '--json']));
    const matrix = doc['matrix'] as { environments: { name: string }[]; rows: { image: string; cells: Record<string, { tag: string }> }[] };
    assert.deepEqual(
      matrix.environments.map((e) => e.name),
      ['staging', 'production'],
    );
    assert.equal(matrix.rows[0]!.cells['staging']!.tag, '1.1.0');
    const unknown = baton(['status', '--repo', repo, '--image', 'nosuch']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: image: "nosuch" is not an image of any environment shown \(known: ghcr\.io\/acme\/api\)/m);
    assert.equal(unknown.stdout, '');
  });

  it('history: entries nested as JSON; the closing hint names the repo it needs', () => {
    const run = baton(['history', '--repo', repo, '--env', 'staging', '--json']);
    const doc = json(run);
    assert.ok(Array.isArray(doc['entries']) && (doc['entries'] as unknown[]).length === 2);
    assert.ok(run.stderr.includes(`baton rollback --repo ${repo} --env staging --to`), run.stderr);
  });

  it('report: the page written, its outputs nested as JSON on stdout, the summary on stderr', () => {
    const run = baton(['report', '--repo', repo, '--out', join(scratch, 'site'), '--json']);
    const doc = json(run);
    assert.equal(doc['page'], join(scratch, 'site/index.html'));
    assert.equal(typeof doc['metrics'], 'object');
    assert.deepEqual(
      (doc['matrix'] as { environments: { name: string }[] }).environments.map((e) => e.name),
      ['staging', 'production'],
    );
    assert.match(run.stderr, /```mermaid/);
  });

  it('validate: outputs on stdout, findings on stderr; a failed verdict is still one JSON document', () => {
    const manifests = join(scratch, 'manifests');
    mkdirSync(manifests);
    writeFileSync(join(manifests, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: "1"\n');
    const doc = json(baton(['validate', '--paths', manifests, '--render', 'none', '--json']));
    assert.equal(doc['valid'], 'true');
    const failed = baton(['validate', '--paths', join(repo, 'envs/staging'), '--render', 'none', '--json']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /no-objects/);
    const one = JSON.parse(failed.stdout) as Record<string, unknown>;
    assert.equal(one['valid'], 'false');
    assert.equal(one['exitCode'], 1);
    assert.match(String(one['error']), /./);
  });

  it('rollback and release-hold: JSON outputs on stdout', () => {
    const back = json(baton(['rollback', '--repo', repo, '--env', 'staging', '--to', 'previous', '--reason', 'errors', '--json']));
    assert.equal(typeof back['commit'], 'string');
    const release = json(baton(['release-hold', '--repo', repo, '--env', 'staging', '--image', API, '--json']));
    assert.ok(Object.keys(release).length > 0);
  });
});
