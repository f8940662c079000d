/**
 * bench/bump: end-to-end latency of `baton bump` against a real smart-HTTP git server, on a generated env
 * repo with a long history and many files, against the naive way (full clone, edit, commit, push) and
 * the physical floor (the least plain-git bump: shallow, sparse, blob-less clone, edit, commit, push),
 * both measured in the same run. Prints medians, CPU per bump (client and server) and ratios; asserts
 * nothing about time.
 *
 * Baton's lone bumps and the floor's run in turns, so both meet the same machine; the concurrent round
 * (with its own lone-bump CPU measured just before it) is repeated `--rounds` times, since one round of
 * twenty racers varies by a tenth either way.
 *
 *   node bench/bump/bench.ts [--commits 20000] [--files 5000] [--runs 5] [--concurrent 20] [--rounds 3]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { type GitServer, startGitServer } from '../../test/helpers/git-server.ts';
import { generateEnvRepo } from './generate-repo.ts';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/index.cjs');
const USER = 'x-access-token';
const TOKEN = 'bench-token-6a1f';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '20000' },
    files: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '5' },
    concurrent: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
  },
});
const RUNS = Number(values.runs);

/** Extra variables for every command the bench runs (GIT_TRACE while git processes are counted). */
let traceEnv: Record<string, string> = {};
/** Push races lost by `baton bump` runs, counted from their log ("push rejected … re-applying"). */
let racesLost = 0;

function run(command: string, args: string[], env: Record<string, string> = {}, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...traceEnv, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      racesLost += err.match(/push rejected \(the branch moved\)/g)?.length ?? 0;
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args[0]} exited ${code}: ${err.slice(-400)}`));
    });
  });
}

/**
 * The git processes one call of `fn` starts (GIT_TRACE: one `built-in:` line per git command, one `exec:`
 * line per transport helper such as git-remote-http), and the requests the server answered for it.
 */
async function gitProcesses(server: GitServer, fn: () => Promise<unknown>): Promise<{ processes: number; requests: number }> {
  const file = join(await mkdtemp(join(tmpdir(), 'baton-trace-')), 'trace');
  traceEnv = { GIT_TRACE: file };
  server.resetRequests();
  try {
    await fn();
  } finally {
    traceEnv = {};
  }
  const trace = await readFile(file, 'utf8').catch(() => '');
  await rm(dirname(file), { recursive: true, force: true });
  return { processes: trace.match(/trace: (built-in: git |exec: git-)/g)?.length ?? 0, requests: server.requests.length };
}

/** CPU seconds used by this process and its reaped children (git, the git server's CGI processes, baton). */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / 100;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `baton bump` as a CI job runs it: one process, token from the environment. */
function batonBump(url: string, app: number, tag: string): Promise<string> {
  const image = `ghcr.io/acme/app-${app}:${tag}`;
  return run(process.execPath, [CLI, 'bump', '--repo', url, '--path', `envs/staging/apps/app-${app}`, '--image', image, '--json'], {
    BATON_TOKEN: TOKEN,
  });
}

/** The naive way: a full clone, a text edit, a commit and a push, with the same credentials. */
async function naiveBump(url: string, app: number, tag: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-naive-'));
  const auth = `Authorization: Basic ${Buffer.from(`${USER}:${TOKEN}`).toString('base64')}`;
  const env = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: auth, GIT_TERMINAL_PROMPT: '0' };
  try {
    await run('git', ['clone', '--quiet', url, dir], env);
    const file = join(dir, `envs/staging/apps/app-${app}/deployment.yaml`);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/(image: ghcr\.io\/acme\/app-\d+:)\S+/, `$1${tag}`));
    await run('git', ['-c', 'user.name=naive', '-c', 'user.email=naive@example.invalid', 'commit', '-qam', `naive bump ${tag}`], env, dir);
    await run('git', ['push', '--quiet', 'origin', 'HEAD'], env, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The physical floor: what any tool must do at least to bump one file over git, done with plain git and
 * no checks: a depth-1, single-branch, blob-less clone without checkout, a cone-mode sparse checkout of
 * the app's directory, a text edit, one commit and one push.
 */
async function floorBump(url: string, app: number, tag: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-floor-'));
  const auth = `Authorization: Basic ${Buffer.from(`${USER}:${TOKEN}`).toString('base64')}`;
  const env = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: auth, GIT_TERMINAL_PROMPT: '0' };
  const path = `envs/staging/apps/app-${app}`;
  try {
    await run(
      'git',
      ['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', '--filter=blob:none', '--no-checkout', url, dir],
      env,
    );
    await run('git', ['sparse-checkout', 'set', '--cone', path], env, dir);
    await run('git', ['checkout', '--quiet'], env, dir);
    const file = join(dir, path, 'deployment.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/(image: ghcr\.io\/acme\/app-\d+:)\S+/, `$1${tag}`));
    await run('git', ['-c', 'user.name=floor', '-c', 'user.email=floor@example.invalid', 'commit', '-qam', `floor bump ${tag}`], env, dir);
    await run('git', ['push', '--quiet', 'origin', 'HEAD'], env, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * How many of the last `count` bumps' tags (`2.0.<n-count+1>` … `2.0.<n>`, apps 10…) are missing from the
 * big repo's main: an update lost in the race.
 */
async function lostUpdates(root: string, count: number, last: number): Promise<number> {
  let lost = 0;
  for (let i = 0; i < count; i++) {
    const tagOf = `2.0.${last - count + 1 + i}`;
    const text = await run('git', ['--git-dir', join(root, 'big.git'), 'show', `main:envs/staging/apps/app-${10 + i}/deployment.yaml`]);
    if (!text.includes(`:${tagOf}`)) lost++;
  }
  return lost;
}

function report(label: string, times: readonly number[]): number {
  const m = median([...times]);
  process.stdout.write(`${label.padEnd(44)} median ${m.toFixed(0).padStart(6)} ms  (runs: ${times.map((t) => t.toFixed(0)).join(', ')})\n`);
  return m;
}

async function series(label: string, fn: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(() => fn(i)));
  return report(label, times);
}

/** Runs `a` and `b` in turns, `RUNS` times each, with the CPU each used; resolves with both series. */
async function inTurns(a: () => Promise<unknown>, b: () => Promise<unknown>) {
  const times: [number[], number[]] = [[], []];
  const cpu: [number, number] = [0, 0];
  for (let i = 0; i < RUNS; i++) {
    for (const [k, fn] of [a, b].entries()) {
      const before = cpuSeconds();
      times[k]!.push(await timed(fn));
      cpu[k]! += cpuSeconds() - before;
    }
  }
  return { times, cpu: cpu.map((c) => c / RUNS) as [number, number] };
}

const server = await startGitServer({ users: { [USER]: TOKEN } });
try {
  const commits = Number(values.commits);
  const files = Number(values.files);
  const big = await generateEnvRepo({ gitDir: join(server.root, 'big.git'), commits, files });
  const short = await generateEnvRepo({ gitDir: join(server.root, 'short.git'), commits: 10, files });
  process.stdout.write(
    `env repos: big ${big.commits} commits / ${big.files} files (made in ${(big.ms / 1000).toFixed(1)} s); ` +
      `short ${short.commits} commits / ${short.files} files\n\n`,
  );
  let n = 0;
  const tag = () => `2.0.${++n}`;
  await batonBump(server.url('big'), 1, tag()); // warm the page cache and the server once
  const sentPerRun = () => server.requests.reduce((sum, r) => sum + r.bytesOut, 0) / RUNS;
  server.resetRequests();
  const turns = await inTurns(
    () => batonBump(server.url('big'), 1, tag()),
    () => floorBump(server.url('big'), 3, tag()),
  );
  const sentBoth = sentPerRun();
  const baton = report('baton bump, 20k-commit repo', turns.times[0]);
  const [cpuOne, cpuFloor] = turns.cpu;
  server.resetRequests();
  const batonShort = await series('baton bump, 10-commit repo (same files)', () => batonBump(server.url('short'), 1, tag()));
  const sentShort = sentPerRun();
  server.resetRequests();
  const naive = await series('naive full clone+edit+push, 20k-commit repo', () => naiveBump(server.url('big'), 2, tag()));
  const sentNaive = sentPerRun();
  const floor = report('floor: least plain-git bump, 20k-commit repo', turns.times[1]);
  server.resetRequests();
  await floorBump(server.url('big'), 3, tag());
  const sentFloor = sentPerRun() * RUNS;
  const sentBig = sentBoth - sentFloor;
  const startup = await series('start-up: baton --help (no git)', () => run(process.execPath, [CLI, '--help']));
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  process.stdout.write(
    `bytes the server sent per bump: baton ${kib(sentBig)} (20k commits), ${kib(sentShort)} (10 commits); floor ${kib(sentFloor)}; ` +
      `naive ${kib(sentNaive)}\n`,
  );
  const batonGit = await gitProcesses(server, () => batonBump(server.url('big'), 1, tag()));
  const floorGit = await gitProcesses(server, () => floorBump(server.url('big'), 3, tag()));
  process.stdout.write(
    `git processes per bump (and server requests): baton ${batonGit.processes} (${batonGit.requests}); floor ${floorGit.processes} ` +
      `(${floorGit.requests})\n`,
  );
  const count = Number(values.concurrent);
  const cores = availableParallelism();
  const ratios: number[] = [];
  const walls: number[] = [];
  const perBumpCpu: number[] = [];
  for (let round = 1; round <= Number(values.rounds); round++) {
    const loneBefore = cpuSeconds();
    for (let i = 0; i < 5; i++) await batonBump(server.url('big'), 1, tag());
    const loneCpu = (cpuSeconds() - loneBefore) / 5;
    server.resetRequests();
    racesLost = 0;
    const cpuStart = cpuSeconds();
    const concurrent = await timed(() => Promise.all(Array.from({ length: count }, (_, i) => batonBump(server.url('big'), 10 + i, tag()))));
    const cpuAll = cpuSeconds() - cpuStart;
    walls.push(concurrent);
    ratios.push(cpuAll / count / loneCpu);
    perBumpCpu.push(cpuAll / count);
    const pushes = server.requestCount('receive-pack', 'big');
    const perBump = (service: 'info-refs' | 'upload-pack' | 'receive-pack') => (server.requestCount(service, 'big') / count).toFixed(1);
    const serverMs = server.requests.reduce((sum, r) => sum + r.ms, 0);
    const lost = await lostUpdates(server.root, count, n);
    process.stdout.write(
      `round ${round}: ${count} concurrent baton bumps (different images): wall ${concurrent.toFixed(0)} ms; ${lost} lost; ` +
        `${pushes} pushes (${(pushes / count).toFixed(1)} per bump); push races lost per bump ${(racesLost / count).toFixed(2)}\n`,
    );
    process.stdout.write(
      `  requests per bump: info-refs ${perBump('info-refs')}, upload-pack ${perBump('upload-pack')}, receive-pack ` +
        `${perBump('receive-pack')}; server busy ${(serverMs / count).toFixed(0)} ms per bump\n`,
    );
    process.stdout.write(
      `  cpu (client + git server): lone bump just before ${loneCpu.toFixed(2)} s; ${count} concurrent ${cpuAll.toFixed(2)} s ` +
        `(${(cpuAll / count).toFixed(2)} s each, ${(cpuAll / count / loneCpu).toFixed(2)}x); on ${cores} cores they need at least ` +
        `${((cpuAll / cores) * 1000).toFixed(0)} ms of wall time\n`,
    );
  }
  process.stdout.write(
    `cpu (client + git server), lone bumps in turns with the floor: baton ${cpuOne.toFixed(2)} s; floor ${cpuFloor.toFixed(2)} s\n\n`,
  );
  const concurrent = median(walls);
  process.stdout.write(`history growth: 20k-commit / 10-commit       ${(baton / batonShort).toFixed(2)}x  (goal: ~1, no growth)\n`);
  process.stdout.write(`speed-up vs naive:                          ${(naive / baton).toFixed(1)}x  (goal: >= 10x)\n`);
  process.stdout.write(`lone bump / floor:                          ${(baton / floor).toFixed(2)}x  (goal: <= 1.3x)\n`);
  process.stdout.write(`lone bump without start-up / floor:         ${((baton - startup) / floor).toFixed(2)}x\n`);
  process.stdout.write(
    `cpu per concurrent bump / lone bump:        ${median(ratios).toFixed(2)}x  (goal: <= 1.5x; rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')})\n`,
  );
  const againstTurns = perBumpCpu.map((c) => c / cpuOne);
  process.stdout.write(
    `  … against the lone bumps run in turns:    ${median(againstTurns).toFixed(2)}x  (rounds: ${againstTurns.map((r) => r.toFixed(2)).join(', ')})\n`,
  );
  process.stdout.write(`${count} concurrent / one:                        ${(concurrent / baton).toFixed(1)}x  (goal: < 3x)\n`);
} finally {
  await server.stop();
}
