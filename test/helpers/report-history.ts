/**
 * A year of an env repo's life, generated fast for the report's tests and benchmark: releases bumped into
 * dev, promoted to staging and production, verdicts noted under refs/notes/baton (some failed), rollbacks
 * with holds and their releases. Written with one `git fast-import` (commits and notes together) instead
 * of running thousands of bumps. Deterministic for a seed. Returns what was applied, in order, so a test
 * can compute the metrics on its own from it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNoteLine, type VerdictRecord } from '../../src/core/verify/verdict-note.ts';

/** The environments, each promoted from the one before. */
export const REPORT_ENVS: readonly string[] = ['dev', 'staging', 'production'];
/** The images every environment holds. */
export const REPORT_IMAGES: readonly string[] = ['ghcr.io/acme/api', 'ghcr.io/acme/web'];

/** One commit as applied to an environment. */
export interface AppliedCommit {
  /** Order of application among commits and verdicts. */
  readonly seq: number;
  readonly env: string;
  readonly commit: string;
  readonly time: number;
  /** `initial`: the commit that made the environments (a state of each, as the report counts it). */
  readonly kind: 'initial' | 'deploy' | 'promotion' | 'rollback' | 'release';
  readonly image: string;
  readonly version: string;
}

/** One verdict as noted, with the commit (the env's head then) it was noted on. */
export interface AppliedVerdict {
  readonly seq: number;
  readonly env: string;
  readonly commit: string;
  readonly time: number;
  readonly status: 'healthy' | 'failed';
}

/** The generated repo and what it holds. */
export interface GeneratedHistory {
  /** The bare repository. */
  readonly path: string;
  readonly commits: readonly AppliedCommit[];
  readonly verdicts: readonly AppliedVerdict[];
  /** The last commit's time (ms): a fixed "now" for the report. */
  readonly end: number;
}

/** A small seeded generator (mulberry32): the same history for the same seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

type Planned =
  | { at: number; what: 'deploy' | 'promotion'; env: string; image: string; version: string }
  | { at: number; what: 'verdict'; env: string; status: 'healthy' | 'failed'; failThen?: 'rollback' | 'fix' }
  | { at: number; what: 'rollback' | 'release'; env: string; image: string };

function kustomization(versions: ReadonlyMap<string, string>, holds: ReadonlyMap<string, string>): string {
  const entries = REPORT_IMAGES.map(
    (image) => `${holds.has(image) ? `  ${holds.get(image)}\n` : ''}  - name: ${image}\n    newTag: "${versions.get(image)}"\n`,
  );
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nimages:\n${entries.join('')}`;
}

/** Plans a year: releases every few hours into dev, promotions of healthy ones, failures and their fixes. */
function plan(rand: () => number, start: number, days: number): Planned[] {
  const events: Planned[] = [];
  const counters = new Map<string, number>(REPORT_IMAGES.map((image) => [image, 0]));
  const between = (lo: number, hi: number) => lo + rand() * (hi - lo);
  for (let t = start + HOUR; t < start + days * 24 * HOUR; t += between(3, 16) * HOUR) {
    const image = REPORT_IMAGES[rand() < 0.6 ? 0 : 1]!;
    const n = counters.get(image)! + 1;
    counters.set(image, n);
    const version = `1.${Math.floor(n / 100)}.${n % 100}`;
    let at = t;
    for (const [i, env] of REPORT_ENVS.entries()) {
      if (i > 0) {
        if (rand() > (i === 1 ? 0.8 : 0.7)) break;
        at += between(i === 1 ? 1 : 4, i === 1 ? 20 : 60) * HOUR;
      }
      events.push({ at, what: i === 0 ? 'deploy' : 'promotion', env, image, version });
      const failed = rand() < 0.09;
      const verdictAt = at + between(4, 25) * MINUTE;
      events.push({ at: verdictAt, what: 'verdict', env, status: failed ? 'failed' : 'healthy' });
      if (!failed) continue;
      if (rand() < 0.5) {
        const back = verdictAt + between(10, 90) * MINUTE;
        events.push({ at: back, what: 'rollback', env, image });
        events.push({ at: back + between(5, 20) * MINUTE, what: 'verdict', env, status: 'healthy' });
        events.push({ at: back + between(2, 30) * HOUR, what: 'release', env, image });
      } else {
        // Fixed forward: a later healthy verdict once the fix is out.
        events.push({ at: verdictAt + between(1, 8) * HOUR, what: 'verdict', env, status: 'healthy' });
      }
      break;
    }
  }
  // The year ends with production's api rolled back and held, as a dashboard often finds it.
  const end = Math.max(...events.map((e) => e.at));
  events.push({ at: end + HOUR, what: 'rollback', env: 'production', image: REPORT_IMAGES[0]! });
  events.push({ at: end + 1.2 * HOUR, what: 'verdict', env: 'production', status: 'healthy' });
  return events.sort((a, b) => a.at - b.at);
}

function verdictNote(env: string, time: number, status: 'healthy' | 'failed'): string {
  const record: VerdictRecord = {
    version: 1,
    env,
    status,
    reason: status === 'healthy' ? 'healthy' : 'image-pull',
    message: status === 'healthy' ? 'deployment/app: 2/2 new replicas available' : 'deployment/app: ImagePullBackOff',
    provider: 'kubernetes',
    targets: [{ target: 'deployment/app', outcome: status, reason: status }],
    images: [],
    time: new Date(time).toISOString(),
    runUrl: `https://github.com/acme/env/actions/runs/${Math.floor(time / 1000)}`,
  };
  return formatNoteLine(record);
}

/**
 * Generates the repo (a bare repo at `dir`, e.g. under a test git server's root, or a new temporary
 * one): `days` of history from `start` (ms), about 2,000 deploys in a year over three environments.
 */
export async function generateReportHistory(
  options: { seed?: number; start?: number; days?: number; dir?: string } = {},
): Promise<GeneratedHistory> {
  const rand = random(options.seed ?? 42);
  const start = options.start ?? Date.parse('2029-01-01T00:00:00Z');
  const events = plan(rand, start, options.days ?? 365);
  const versions = new Map(REPORT_ENVS.map((env) => [env, new Map(REPORT_IMAGES.map((image) => [image, '1.0.0']))]));
  const previous = new Map(REPORT_ENVS.map((env) => [env, new Map(REPORT_IMAGES.map((image) => [image, [] as string[]]))]));
  const holds = new Map(REPORT_ENVS.map((env) => [env, new Map<string, string>()]));
  const heads = new Map<string, number>();
  const commits: AppliedCommit[] = [];
  const verdicts: AppliedVerdict[] = [];
  const notes = new Map<number, string[]>();
  const chunks: string[] = [];
  let mark = 0;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commit = (at: number, message: string, files: Record<string, string>) => {
    mark += 1;
    const when = `${Math.floor(at / 1000)} +0000`;
    chunks.push(
      `commit refs/heads/main\nmark :${mark}\nauthor baton <baton@example.com> ${when}\ncommitter baton <baton@example.com> ` +
        `${when}\n${data(message)}`,
    );
    if (mark > 1) chunks.push(`from :${mark - 1}\n`);
    for (const [path, text] of Object.entries(files)) chunks.push(`M 100644 inline ${path}\n${data(text)}`);
    chunks.push('\n');
    return mark;
  };
  const file = (env: string) => ({ [`envs/${env}/kustomization.yaml`]: kustomization(versions.get(env)!, holds.get(env)!) });
  const envYaml =
    'environments:\n  dev:\n    path: envs/dev\n  staging:\n    path: envs/staging\n    promote-from: dev\n  production:\n    path: ' +
    'envs/production\n    promote-from: staging\n';
  const initial = Object.assign({ 'baton.yaml': envYaml }, ...REPORT_ENVS.map(file)) as Record<string, string>;
  const first = commit(start, 'environments\n', initial);
  let seq = 0;
  for (const env of REPORT_ENVS) {
    heads.set(env, first);
    for (const image of REPORT_IMAGES)
      commits.push({
        seq: seq++,
        env,
        commit: `:${first}`,
        time: Math.floor(start / 1000) * 1000,
        kind: 'initial',
        image,
        version: '1.0.0',
      });
  }
  const marks = new Map<number, string>();
  let last = start;
  for (const event of events) {
    const env = event.env;
    const current = versions.get(env)!;
    if (event.what === 'verdict') {
      const on = heads.get(env)!;
      // Whole milliseconds: the note's ISO time holds no more.
      const time = Math.floor(event.at);
      notes.set(on, [...(notes.get(on) ?? []), verdictNote(env, time, event.status)]);
      verdicts.push({ seq: seq++, env, commit: `:${on}`, time, status: event.status });
      continue;
    }
    const image = event.image;
    let version: string;
    let message: string;
    if (event.what === 'deploy' || event.what === 'promotion') {
      if (holds.get(env)!.has(image) || current.get(image) === event.version) continue;
      version = event.version;
      previous.get(env)!.get(image)!.push(current.get(image)!);
      const source = `https://github.com/acme/app/commit/${(mark * 7919).toString(16).padStart(8, '0')}`;
      const from =
        event.what === 'promotion' ? `Baton-Promoted-From: ${REPORT_ENVS[REPORT_ENVS.indexOf(env) - 1]}@${'0'.repeat(40)}\n` : '';
      message =
        `${env}: ${event.what === 'promotion' ? 'promote' : 'bump'} ${image} to ${version}\n\nBaton-Image: ` +
        `${image}:${version}\nBaton-Env: ${env}\n${from}Baton-Source: ${source}\nBaton-Run: ` +
        `https://github.com/acme/app/actions/runs/${mark}\n`;
    } else if (event.what === 'rollback') {
      const back = previous.get(env)!.get(image)!.pop();
      if (!back || holds.get(env)!.has(image)) continue;
      version = back;
      const when = new Date(event.at).toISOString().replace(/\.\d+Z$/, 'Z');
      holds
        .get(env)!
        .set(
          image,
          `# baton-hold: ${image} by "bob" on ${when} reason "errors after deploy"; release: baton release-hold --env ${env} --image ` +
            `${image}`,
        );
      message =
        `${env}: roll back ${image} to ${version}\n\nBaton-Rollback: ${'0'.repeat(40)}\nBaton-Reason: errors after ` +
        `deploy\nBaton-Actor: bob\nBaton-Env: ${env}\n`;
    } else {
      if (!holds.get(env)!.delete(image)) continue;
      version = current.get(image)!;
      message = `${env}: release hold on ${image}\n\nBaton-Release-Hold: ${image}\nBaton-Env: ${env}\nBaton-Actor: bob\n`;
    }
    current.set(image, version);
    const at = Math.max(event.at, last + 1000);
    last = at;
    const m = commit(at, message, file(env));
    heads.set(env, m);
    marks.set(m, env);
    commits.push({ seq: seq++, env, commit: `:${m}`, time: Math.floor(at / 1000) * 1000, kind: event.what, image, version });
  }
  if (notes.size > 0) {
    const when = `${Math.floor(last / 1000)} +0000`;
    chunks.push(
      `commit refs/notes/baton\nauthor baton <baton@example.com> ${when}\ncommitter baton <baton@example.com> ` +
        `${when}\n${data('verdicts\n')}`,
    );
    for (const [on, lines] of notes) chunks.push(`N inline :${on}\n${data(`${lines.join('\n')}\n`)}`);
    chunks.push('\n');
  }
  const path = options.dir ?? (await mkdtemp(join(tmpdir(), 'baton-report-repo-')));
  await git(['init', '--quiet', '--bare', '--initial-branch', 'main', path]);
  const exported = join(path, 'baton-marks');
  await git(['fast-import', '--quiet', `--export-marks=${exported}`], path, `${chunks.join('')}done\n`);
  // Marks to commit ids, for the test's records (fast-import knows them only as marks).
  const ids = new Map(await readMarks(exported));
  const resolve = (ref: string) => ids.get(ref) ?? ref;
  return {
    path,
    commits: commits.map((c) => ({ ...c, commit: resolve(c.commit) })),
    verdicts: verdicts.map((v) => ({ ...v, commit: resolve(v.commit) })),
    end: last,
  };
}

async function readMarks(file: string): Promise<[string, string][]> {
  const { readFile } = await import('node:fs/promises');
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ') as [string, string]);
}

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

function gitOut(args: string[], cwd?: string, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: GIT_ENV, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk) => (out += chunk));
    child.stderr?.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`git ${args[0]} exited with ${code}: ${err}`))));
    if (child.stdin) {
      // A git that fails early closes its end first: that shows as its exit code, not as an EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

async function git(args: string[], cwd?: string, input?: string): Promise<void> {
  await gitOut(args, cwd, input);
}
