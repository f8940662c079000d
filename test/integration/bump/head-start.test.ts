/**
 * The `baton` loader starts bump's clone before it requires the step's bundle (a head start), and the
 * step takes that clone instead of cloning again. Runs the built CLI (dist/cli/index.cjs: build first)
 * as a process against the smart-HTTP server, with GIT_TRACE to a file to count git's commands.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';

const CLI = join(import.meta.dirname, '../../../dist/cli/index.cjs');
const TOKEN = 'head-start-token-7f3a9';
const API = 'registry.example.com/team/api';
const FILES: Record<string, string> = {
  'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n',
  'envs/staging/kustomization.yaml': `images:\n  - name: ${API}\n    newTag: 1.0.0\n`,
};

/**
 * Preloaded into the CLI: right after the loader has required the step's bundle (before any of the
 * step's code ran), it notes whether git's trace already shows a `git clone`. With HEAD_START_DROP set,
 * it removes the published head start first, so the step clones as it did before head starts. With
 * HEAD_START_WAIT set, it holds the bundle's load until that file exists (an event the test makes).
 */
const HOOK = `const Module = require('node:module');
const fs = require('node:fs');
const load = Module._load;
Module._load = function (request, ...rest) {
  // HEAD_START_WAIT: the step's bundle is loaded only once the test says so (the file exists); git runs on.
  if (/bump\\.cjs$/.test(request) && process.env.HEAD_START_WAIT) {
    while (!fs.existsSync(process.env.HEAD_START_WAIT)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  const drop = /bump\\.cjs$/.test(request) && process.env.HEAD_START_DROP;
  if (drop) delete globalThis[Symbol.for('baton.headStart')];
  const loaded = load.call(this, request, ...rest);
  if (/bump\\.cjs$/.test(request)) {
    const trace = fs.readFileSync(process.env.GIT_TRACE, 'utf8');
    fs.appendFileSync(process.env.HEAD_START_MARK, / built-in: git clone /.test(trace) ? 'clone started\\n' : 'no clone yet\\n');
  }
  return loaded;
};
`;

interface Bumped {
  readonly code: number | null;
  readonly stderr: string;
  /** The git commands the run started, from GIT_TRACE (`clone`, `checkout`, …). */
  readonly commands: string[];
  /** What the hook saw when the step's bundle had been required. */
  readonly mark: string;
  /** What the run left in its RUNNER_TEMP. */
  readonly left: string[];
}

describe('bump with a head start: the loader clones while the step loads', () => {
  let server: GitServer;
  let work: string;
  let run = 0;

  before(async () => {
    server = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await server.createRepo('env', FILES, { branch: 'main' });
    work = await mkdtemp(join(tmpdir(), 'baton-test-head-start-'));
    await writeFile(join(work, 'hook.cjs'), HOOK);
  });
  after(async () => {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  /** Runs `baton bump` as its own process, in a fresh RUNNER_TEMP, and reads what it left. */
  async function bump(args: string[], options: { token?: string; env?: Record<string, string> } = {}): Promise<Bumped> {
    const dir = join(work, `run-${++run}`);
    const temp = join(dir, 'temp');
    await mkdir(temp, { recursive: true });
    const trace = join(dir, 'trace');
    const mark = join(dir, 'mark');
    await writeFile(trace, '');
    await writeFile(mark, '');
    const child = spawn(process.execPath, ['--require', join(work, 'hook.cjs'), CLI, 'bump', '--repo', server.url('env'), ...args], {
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        BATON_TOKEN: options.token ?? TOKEN,
        RUNNER_TEMP: temp,
        GIT_TRACE: trace,
        HEAD_START_MARK: mark,
        ...options.env,
      },
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const commands = [...(await readFile(trace, 'utf8')).matchAll(/ built-in: git (\S+)/g)].map((m) => m[1]!);
    return { code, stderr, commands, mark: (await readFile(mark, 'utf8')).trim(), left: await readdir(temp) };
  }

  it('clones once, before the step bundle is loaded, and lands the bump', async () => {
    const result = await bump(['--path', 'envs/staging', '--image', `${API}:1.1.0`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.commands.filter((c) => c === 'clone').length, 1, result.commands.join(' '));
    assert.equal(result.mark, 'clone started');
    assert.match((await server.readFile('env', 'main', 'envs/staging/kustomization.yaml'))!, /newTag: 1\.1\.0/);
    assert.deepEqual(result.left, []);
  });

  it('takes the head start of a bump by env name (sparse on the root files first) too', async () => {
    const result = await bump(['--env', 'staging', '--image', `${API}:1.2.0`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.commands.filter((c) => c === 'clone').length, 1, result.commands.join(' '));
    assert.equal(result.mark, 'clone started');
    assert.match((await server.readFile('env', 'main', 'envs/staging/kustomization.yaml'))!, /newTag: 1\.2\.0/);
  });

  it('a bump the step refuses while the clone is in flight kills the clone and leaves nothing behind', async () => {
    // The clone's fetch is held at the server: the step's refusal comes while git still waits for it.
    // The step (and its refusal) is let run only once that request is held: events, not time.
    const held = server.hold({ user: 'x-access-token', service: 'upload-pack' });
    const go = join(work, `go-${run + 1}`);
    const pending = bump(['--path', 'envs/staging', '--image', `${API}:1.3.0`, '--image', `${API}:1.4.0`], {
      env: { HEAD_START_WAIT: go },
    });
    await held.reached;
    await writeFile(go, '');
    const result = await pending;
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /image: registry\.example\.com\/team\/api is given twice/);
    assert.ok(result.commands.includes('clone'), result.commands.join(' '));
    await held.gone; // the server saw git's connection close: the loader killed it
    held.release();
    assert.deepEqual(result.left, []);
    const listing = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    assert.ok(!listing.includes(join(work, `run-${run}`)), 'a git process of the run is still running');
  });

  it('a RUNNER_TEMP where no clone can go leaves the step its own message: a bad image is still a bad image', async () => {
    const missing = join(work, 'no-such-dir');
    const result = await bump(['--path', 'envs/staging', '--image', `${API}:1.3.0`, '--image', `${API}:1.4.0`], {
      env: { RUNNER_TEMP: missing },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /image: registry\.example\.com\/team\/api is given twice/);
    assert.deepEqual(result.commands, []);
  });

  it('a head start that fails (wrong token) ends as a bump without one: same error, same exit code', async () => {
    const args = ['--path', 'envs/staging', '--image', `${API}:1.5.0`];
    const withHeadStart = await bump(args, { token: 'wrong-token' });
    const without = await bump(args, { token: 'wrong-token', env: { HEAD_START_DROP: '1' } });
    assert.equal(withHeadStart.code, 2);
    assert.match(withHeadStart.stderr, /authentication|credentials|token/i);
    assert.equal(withHeadStart.commands.filter((c) => c === 'clone').length, 2, 'the loader tried, then the step cloned itself');
    const same = (text: string) => text.replace(/run-\d+\/temp\/baton-env-\w+/g, 'run/temp/baton-env-X');
    assert.equal(same(withHeadStart.stderr), same(without.stderr));
    assert.equal(withHeadStart.code, without.code);
    assert.deepEqual(withHeadStart.left, []);
    assert.doesNotMatch(withHeadStart.stderr, /wrong-token/);
  });
});
