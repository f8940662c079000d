/**
 * Generates a large env repository for benchmarks: `files` manifests across a few environments and a
 * history of `commits` image bumps, written as one `git fast-import` stream (a `git commit` per bump
 * would take minutes; the stream takes seconds). The result is a bare repository that the test git
 * server (test/helpers/git-server.ts) can serve when it is created under the server's root.
 *
 *   node bench/bump/generate-repo.ts [--commits 20000] [--files 5000] [--out ./env.git]
 */
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { exec } from '../../src/adapters/exec.ts';

/** What to generate. */
export interface GenerateOptions {
  /** Path of the bare repository to create (replaced if it exists). */
  readonly gitDir: string;
  /** Commits of history, the first one holding every file. Default 20000. */
  readonly commits?: number;
  /** Approximate number of files. Default 5000. */
  readonly files?: number;
  /** Environment directories under `envs/`. Default dev, staging, production. */
  readonly envs?: readonly string[];
  /** The one branch, also HEAD. Default `main`. */
  readonly branch?: string;
}

/** What was generated. */
export interface GeneratedRepo {
  readonly gitDir: string;
  readonly branch: string;
  readonly commits: number;
  readonly files: number;
  /** Apps per environment: `envs/<env>/apps/app-<i>/`, i from 0. */
  readonly appsPerEnv: number;
  readonly envs: readonly string[];
  /** Wall-clock milliseconds taken. */
  readonly ms: number;
}

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C', GIT_DIR: undefined };
const EPOCH = 1_700_000_000;

/** A Deployment of typical size (about 1.2 KB) whose image tag is the only thing that changes. */
export function deployment(env: string, app: number, tag: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${app}
  namespace: ${env}
  labels:
    app.kubernetes.io/name: app-${app}
    app.kubernetes.io/part-of: acme
spec:
  replicas: 2
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: app-${app}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-${app}
    spec:
      serviceAccountName: app-${app}
      containers:
        - name: app
          image: ghcr.io/acme/app-${app}:${tag}
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: ENVIRONMENT
              value: ${env}
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 10
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
`;
}

/** A fast-import `data` block (byte length, then the bytes). */
function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

function commitHeader(branch: string, n: number, message: string): string {
  const who = `Bench Bot <bench@example.test> ${EPOCH + n * 60} +0000`;
  return `commit refs/heads/${branch}\nauthor ${who}\ncommitter ${who}\n${data(message)}`;
}

/** The first commit: every file of every environment. */
function initialCommit(branch: string, envs: readonly string[], apps: number): string {
  const parts = [commitHeader(branch, 0, 'Initial environments')];
  const inline = (path: string, content: string) => parts.push(`M 100644 inline ${path}\n${data(content)}`);
  inline('baton.yaml', `environments:\n${envs.map((e) => `  ${e}:\n    path: envs/${e}\n`).join('')}`);
  for (const env of envs) {
    const list = Array.from({ length: apps }, (_, i) => `  - apps/app-${i}\n`).join('');
    inline(`envs/${env}/kustomization.yaml`, `apiVersion: kustomize.config.k8s.io/v1beta1\nresources:\n${list}`);
    for (let i = 0; i < apps; i++) {
      inline(`envs/${env}/apps/app-${i}/kustomization.yaml`, 'resources:\n  - deployment.yaml\n');
      inline(`envs/${env}/apps/app-${i}/deployment.yaml`, deployment(env, i, '1.0.0'));
    }
  }
  return parts.join('');
}

/** Bump number `n`: one app in one environment gets a new tag. */
function bumpCommit(branch: string, envs: readonly string[], apps: number, n: number): string {
  const env = envs[n % envs.length]!;
  const app = Math.floor(n / envs.length) % apps;
  const tag = `1.${Math.floor(n / (envs.length * apps))}.${n}`;
  const message = `${env}: bump ghcr.io/acme/app-${app} to ${tag}\n\nBaton-Image: ghcr.io/acme/app-${app}:${tag}\n`;
  const path = `envs/${env}/apps/app-${app}/deployment.yaml`;
  return `${commitHeader(branch, n, message)}M 100644 inline ${path}\n${data(deployment(env, app, tag))}`;
}

/** Creates the repository; see {@link GenerateOptions}. */
export async function generateEnvRepo(options: GenerateOptions): Promise<GeneratedRepo> {
  const started = performance.now();
  const branch = options.branch ?? 'main';
  const envs = options.envs ?? ['dev', 'staging', 'production'];
  const commits = Math.max(1, options.commits ?? 20_000);
  const appsPerEnv = Math.max(1, Math.floor(((options.files ?? 5000) - 1 - envs.length) / (envs.length * 2)));
  await rm(options.gitDir, { recursive: true, force: true });
  await mkdir(dirname(options.gitDir), { recursive: true });
  await exec('git', ['init', '--quiet', '--bare', `--initial-branch=${branch}`, options.gitDir], { env: GIT_ENV });
  const stream = [initialCommit(branch, envs, appsPerEnv)];
  for (let n = 1; n < commits; n++) stream.push(bumpCommit(branch, envs, appsPerEnv, n));
  const run = (args: string[], input?: string) => exec('git', args, { cwd: options.gitDir, env: GIT_ENV, input });
  await run(['fast-import', '--quiet', '--done'], `${stream.join('')}done\n`);
  // One pack with a bitmap, as a forge serves it; fast-import's own pack is not tuned for serving.
  await run(['repack', '-a', '-d', '-b', '--quiet']);
  const ms = performance.now() - started;
  return { gitDir: options.gitDir, branch, commits, files: 1 + envs.length * (1 + 2 * appsPerEnv), appsPerEnv, envs, ms };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      commits: { type: 'string', default: '20000' },
      files: { type: 'string', default: '5000' },
      out: { type: 'string', default: join(tmpdir(), 'baton-bench', 'env.git') },
    },
  });
  const repo = await generateEnvRepo({ gitDir: values.out, commits: Number(values.commits), files: Number(values.files) });
  const { stdout } = await exec('git', ['count-objects', '-vH'], { cwd: repo.gitDir, env: GIT_ENV });
  const size = /size-pack: (.*)/.exec(stdout)?.[1] ?? '?';
  process.stdout.write(
    `generated ${repo.gitDir}: ${repo.commits} commits, ${repo.files} files, pack ${size}, ` + `in ${(repo.ms / 1000).toFixed(1)} s\n`,
  );
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
