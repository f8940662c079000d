/**
 * The demo: Baton's main job on embedded defaults, with the `baton` command (dist/cli) and nothing but
 * Node 24 and git. It makes a scratch env repo from examples/env-repo and an app repo from examples/app,
 * builds the app with the best builder present (the built-in layer builder when there is none) into an
 * OCI layout (or the local registry at localhost:5000 when one is running), bumps staging, validates it,
 * verifies it over HTTP against a small local server that plays the environment (scripts/demo-environment.ts),
 * promotes staging to production, rolls production back and ends with the status matrix.
 *
 * Stages whose step this build of `baton` does not have yet are shown as skipped (see STAGES), so the
 * demo stays green while steps land one by one.
 */
import './need-node.cjs';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../src/adapters/registry/registry-client.ts';
import { OciLayoutStore } from '../src/adapters/registry/oci-layout.ts';
import type { OciClient } from '../src/adapters/registry/types.ts';
import { parseImageRef } from '../src/core/image-ref.ts';
import { type RunningEnvironment, startEnvironment } from './demo-environment.ts';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist/cli/index.cjs');
const started = performance.now();
const work = mkdtempSync(join(tmpdir(), 'baton-demo-'));
const envRepo = join(work, 'env-repo');
const appRepo = join(work, 'app');
/** The app's image name, as examples/env-repo writes it. */
const IMAGE = 'localhost:5000/baton/hello';
const VERSION = '0.2.0';

/** The environment Baton runs in: the demo's own repos, never the CI job's context around it. */
const batonEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(CI|CI_.*|GITLAB_.*|GITHUB_.*|RUNNER_.*|BATON_.*)$/.test(name)),
);

type Outputs = Record<string, string>;

/**
 * Log lines that are not part of the demo's story: with images in an OCI layout, promote cannot read
 * the labels (source links) of `localhost:5000/...` because the demo chose not to run a registry there.
 * The demo says that once in its own words instead of showing a connection error.
 */
const offStory: RegExp[] = [];

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function heading(title: string): void {
  // Bold only on a terminal, and never under NO_COLOR (https://no-color.org).
  const bold = process.stdout.isTTY && !process.env['NO_COLOR'];
  say(bold ? `\n\x1b[1m== ${title}\x1b[0m` : `\n== ${title}`);
}

function git(dir: string, ...args: string[]): string {
  const identity = [
    '-c',
    'user.name=demo',
    '-c',
    'user.email=demo@example.invalid',
    '-c',
    'commit.gpgsign=false',
    '-c',
    'tag.gpgsign=false',
  ];
  return execFileSync('git', ['-C', dir, ...identity, ...args], { encoding: 'utf8' });
}

function indent(text: string): string {
  return text.trimEnd() ? `${text.trimEnd().replace(/^/gm, '  ')}\n` : '';
}

/**
 * Runs `baton <args> --json` and resolves with its outputs; its log (stderr) is shown indented. Why not
 * spawnSync: the environment's server runs in this process and must answer while baton waits on it.
 */
async function baton(args: string[], cwd = work): Promise<Outputs> {
  say(`$ baton ${args.map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const child = spawn(process.execPath, [cli, ...args, '--json'], { cwd, env: batonEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve(status ?? 1));
  });
  const lines = stderr.trimEnd().split('\n');
  const shown = lines.filter((line) => !offStory.some((re) => re.test(line)));
  if (shown.length < lines.length)
    shown.push('(source links not read: the images live in the OCI layout, not in a registry at localhost:5000)');
  process.stdout.write(indent(shown.join('\n')));
  if (code !== 0) throw new Error(`baton ${args[0]} exited with ${code}`);
  return JSON.parse(stdout) as Outputs;
}

/** True when this build of `baton` has the step (`baton <step> --help` answers). */
function hasStep(step: string): boolean {
  return spawnSync(process.execPath, [cli, step, '--help'], { encoding: 'utf8', env: batonEnv }).status === 0;
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`the demo did not behave as expected: ${what}`);
}

function onPath(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

/** The local registry at localhost:5000, when one answers there. */
async function localRegistry(): Promise<boolean> {
  try {
    const response = await fetch('http://localhost:5000/v2/', { signal: AbortSignal.timeout(500) });
    return response.status === 200 || response.status === 401;
  } catch {
    return false;
  }
}

/** What the stages share. */
interface Demo {
  /** Where build-push writes: `oci:<dir>` or the registry name. */
  target: string;
  client: OciClient;
  insecure: string[];
  digest: string;
  bumped: string;
  staging?: RunningEnvironment;
}

/** One stage of the demo; `step` names the Baton step it needs. */
interface Stage {
  readonly title: string;
  readonly step: string;
  run(demo: Demo): Promise<void> | void;
}

const STAGES: readonly Stage[] = [
  {
    title: `build-push: build examples/app ${VERSION} with the best builder present`,
    step: 'build-push',
    async run(demo) {
      const out = await baton(['build-push', '--image', demo.target, '--context', appRepo, ...insecure(demo)]);
      demo.digest = out['digest'] ?? '';
      say(`outputs: builder=${out['builder']} digest=${demo.digest}\n         tags=${(out['tags'] ?? '').replace(/\n/g, ', ')}`);
      expect(/^sha256:[0-9a-f]{64}$/.test(demo.digest), 'build-push gives a digest');
    },
  },
  {
    title: `bump: staging to ${VERSION}, by tag and digest`,
    step: 'bump',
    async run(demo) {
      const out = await baton([
        'bump',
        '--repo',
        envRepo,
        '--env',
        'staging',
        '--image',
        `${IMAGE}:${VERSION}@${demo.digest}`,
        '--pin',
        'tag+digest',
      ]);
      demo.bumped = out['commit'] ?? '';
      say(`outputs: changed=${out['changed']} old-tag=${out['old-tag']} new-tag=${out['new-tag']} commit=${demo.bumped.slice(0, 12)}`);
      process.stdout.write(indent(git(envRepo, 'log', '-1', '--format=%B')));
      expect(out['changed'] === 'true', 'bump changes staging');
      const again = await baton([
        'bump',
        '--repo',
        envRepo,
        '--env',
        'staging',
        '--image',
        `${IMAGE}:${VERSION}@${demo.digest}`,
        '--pin',
        'tag+digest',
      ]);
      say(`the same bump again: changed=${again['changed']}, no new commit`);
      expect(again['changed'] === 'false' && again['commit'] === demo.bumped, 'a bump already in place changes nothing');
    },
  },
  {
    title: 'validate: staging, rendered and checked offline against the Kubernetes schemas',
    step: 'validate',
    async run() {
      const render = onPath('kustomize') || onPath('kubectl');
      if (!render) say('(neither kustomize nor kubectl is here: checking the base manifests as written, unrendered)');
      const args = render ? ['validate', '--env', 'staging'] : ['validate', '--paths', 'base', '--render', 'none'];
      const out = await baton(args, envRepo);
      say(`outputs: valid=${out['valid']} resources=${out['resources']} errors=${out['errors']}`);
      expect(out['valid'] === 'true', 'staging is valid');
    },
  },
  {
    title: 'verify: staging over HTTP, against a local server that plays the environment',
    step: 'verify',
    async run(demo) {
      demo.staging = await startEnvironment({
        repoDir: envRepo,
        branch: 'main',
        file: 'envs/staging/kustomization.yaml',
        image: parseImageRef(IMAGE),
        client: demo.client,
      });
      say(`staging plays at ${demo.staging.url}: it syncs envs/staging from the env repo and serves the files of the image it names`);
      const out = await baton([
        'verify',
        '--provider',
        'http',
        '--url',
        `${demo.staging.url}/version`,
        '--expect-json',
        `version=${VERSION}`,
        '--repo',
        envRepo,
        '--env',
        'staging',
        '--expected-revision',
        demo.bumped,
        '--timeout',
        '30s',
        '--interval',
        '200ms',
      ]);
      say(`outputs: status=${out['status']} recorded=${out['recorded']} revision=${(out['revision'] ?? '').slice(0, 12)}`);
      say(
        `the verdict, as a git note on the bump commit ` +
          `(refs/notes/baton):\n${indent(git(envRepo, 'notes', '--ref=refs/notes/baton', 'show', demo.bumped))}`,
      );
      expect(out['status'] === 'healthy' && out['recorded'] === 'true', 'staging is verified and recorded');
    },
  },
  {
    title: 'promote: staging → production, the verified digest carried over',
    step: 'promote',
    async run(demo) {
      const out = await baton(['promote', '--repo', envRepo, '--from', 'staging', '--to', 'production', ...insecure(demo)]);
      say(
        `outputs: changed=${out['changed']} commit=${(out['commit'] ?? '').slice(0, 12)} ` +
          `verified-commit=${(out['verified-commit'] ?? '').slice(0, 12)}`,
      );
      process.stdout.write(indent(git(envRepo, 'log', '-1', '--format=%B')));
      expect(out['changed'] === 'true', 'promote changes production');
    },
  },
  {
    title: 'rollback: production back to its previous version, held there',
    step: 'rollback',
    async run() {
      const out = await baton([
        'rollback',
        '--repo',
        envRepo,
        '--env',
        'production',
        '--to',
        'previous',
        '--reason',
        'demo: practise the way back',
      ]);
      say(
        `outputs: changed=${out['changed']} restored=${(out['restored'] ?? '').slice(0, 12)} ` +
          `held=${(out['held'] ?? '').replace(/\n/g, ', ')}`,
      );
      process.stdout.write(indent(git(envRepo, 'log', '-1', '--format=%B')));
      expect(out['changed'] === 'true', 'rollback changes production');
    },
  },
  {
    title: 'status: images × environments',
    step: 'status',
    async run() {
      const out = await baton(['status', '--repo', envRepo]);
      say(
        `outputs: differs=${(out['differs'] ?? '').replace(/\n/g, ', ') || '(none)'} ` +
          `held=${(out['held'] ?? '').replace(/\n/g, ', ') || '(none)'}`,
      );
      expect(out['matrix'] !== undefined, 'status gives the matrix');
    },
  },
];

function insecure(demo: Demo): string[] {
  return demo.insecure.length ? ['--insecure-registries', demo.insecure.join(',')] : [];
}

/** The scratch repos: the env repo from examples/env-repo, the app from examples/app released as v0.2.0. */
function makeRepos(): void {
  cpSync(join(root, 'examples/env-repo'), envRepo, { recursive: true });
  git(work, 'init', '-q', '-b', 'main', envRepo);
  git(envRepo, 'add', '-A');
  git(envRepo, 'commit', '-qm', 'initial environments');
  say(`env repo ${envRepo}:`);
  process.stdout.write(indent(git(envRepo, 'ls-files')));
  cpSync(join(root, 'examples/app'), appRepo, { recursive: true });
  git(work, 'init', '-q', '-b', 'main', appRepo);
  git(appRepo, 'add', '-A');
  git(appRepo, 'commit', '-qm', `hello ${VERSION}`);
  git(appRepo, 'tag', `v${VERSION}`);
  say(`app repo ${appRepo}: examples/app, tagged v${VERSION}`);
}

async function main(): Promise<void> {
  const demo: Demo = { target: '', client: new OciLayoutStore(join(work, 'images')), insecure: [], digest: '', bumped: '' };
  try {
    heading('Scratch repos: an env repo (kustomize base, staging and production overlays) and an app');
    makeRepos();
    if (await localRegistry()) {
      demo.target = IMAGE;
      demo.insecure = ['localhost:5000'];
      demo.client = new RegistryClient({ insecureRegistries: demo.insecure });
      say(`images go to the local registry at localhost:5000 (${IMAGE})`);
    } else {
      demo.target = `oci:${join(work, 'images')}`;
      offStory.push(/^labels of localhost:5000\/\S+ not read \(no source links\): /);
      say(`images go to an OCI layout, ${demo.target} (no registry answers at localhost:5000); the env repo names them ${IMAGE}`);
    }
    const skipped: string[] = [];
    for (const stage of STAGES) {
      heading(stage.title);
      if (!hasStep(stage.step)) {
        say(`(skipped: this build of baton has no "${stage.step}" step yet)`);
        skipped.push(stage.step);
        continue;
      }
      await stage.run(demo);
    }
    heading(`done in ${((performance.now() - started) / 1000).toFixed(1)} s${skipped.length ? `; skipped: ${skipped.join(', ')}` : ''}`);
    process.stdout.write(indent(git(envRepo, 'log', '--oneline', '--decorate=no')));
  } finally {
    await demo.staging?.stop();
    await demo.client.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
