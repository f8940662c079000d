import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exec } from '../../src/adapters/exec.ts';
import type { RegistryClientOptions } from '../../src/adapters/registry/registry-client.ts';
import type { TestCertificates } from './registry-tls.ts';
import type { TokenServer } from './registry-token-server.ts';

/** How to run a test registry. */
export interface StartRegistryOptions {
  /** Users and passwords for htpasswd (bcrypt) Basic auth. */
  readonly htpasswd?: Readonly<Record<string, string>>;
  /** Serve HTTPS with this certificate (made by `makeCertificates`). */
  readonly tls?: TestCertificates;
  /** Bearer token auth: the registry validates tokens this server signs. */
  readonly token?: TokenServer;
}

/** A running `docker-registry` on loopback. */
export interface RunningRegistry {
  /** `127.0.0.1:<port>`, as in an image reference. */
  readonly host: string;
  /** `http(s)://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Temporary directory with config and storage; removed by `stop`. */
  readonly dir: string;
  stop(): Promise<void>;
}

/**
 * The `skip` option of a suite that needs these programs. It never skips: a missing program fails the
 * suite where it is first run (a missing tool never quietly passes; `.ci/run` installs them all). The
 * names stay in the suites as the list of what each needs; nothing is spawned to look for them.
 */
export function skipWithout(..._names: string[]): false {
  return false;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function htpasswdFile(dir: string, users: Readonly<Record<string, string>>): Promise<string> {
  const lines: string[] = [];
  for (const [user, password] of Object.entries(users)) {
    lines.push((await exec('htpasswd', ['-Bbn', user, password], { secrets: [password] })).stdout.trim());
  }
  const path = join(dir, 'htpasswd');
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

async function configYaml(dir: string, port: number, options: StartRegistryOptions): Promise<string> {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (options.tls) lines.push('  tls:', `    certificate: ${options.tls.certPath}`, `    key: ${options.tls.keyPath}`);
  if (options.htpasswd)
    lines.push('auth:', '  htpasswd:', '    realm: baton-test', `    path: ${await htpasswdFile(dir, options.htpasswd)}`);
  if (options.token) {
    const { realm, service, issuer, certPath } = options.token;
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${realm}`,
      `    service: ${service}`,
      `    issuer: ${issuer}`,
      `    rootcertbundle: ${certPath}`,
    );
  }
  const path = join(dir, 'config.yml');
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

function ping(url: string, ca: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https') ? httpsRequest : request;
    const req = send(`${url}/v2/`, { ca, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Waits until the registry answers `/v2/`, for as long as it runs: no fixed deadline, which a busy
 * machine could overrun; a registry that cannot start exits, and that ends the wait with its output.
 */
async function waitReady(child: ChildProcess, url: string, ca: string | undefined, output: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`docker-registry exited with ${child.exitCode ?? child.signalCode}: ${output()}`);
    const status = await ping(url, ca).catch(() => 0);
    if (status === 200 || status === 401) return;
    await sleep(50);
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

async function startOnce(options: StartRegistryOptions): Promise<RunningRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-registry-'));
  const port = await freePort();
  const config = await configYaml(dir, port, options);
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot start docker-registry (apt-get install docker-registry): ${error.message}`)));
  });
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await spawned;
    await waitReady(child, url, options.tls?.caPem, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: `127.0.0.1:${port}`, url, port, dir, stop };
}

/**
 * Starts Debian's `docker-registry` (the CNCF distribution registry) on 127.0.0.1 with a free port and
 * temporary storage, with htpasswd or token auth and TLS as asked. `stop()` ends it and removes the
 * storage. A port taken between choosing and binding is retried.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<RunningRegistry> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      last = error;
      if (!/address already in use/i.test(String(error))) break;
    }
  }
  throw last;
}

/**
 * Client options for tests: no real home directory or environment, the given registries named
 * insecure (plain HTTP), and retries that do not wait.
 */
export function testClientOptions(insecure: readonly string[], extra: Partial<RegistryClientOptions> = {}): RegistryClientOptions {
  return {
    env: {},
    home: '/nonexistent/baton-test-home',
    insecureRegistries: insecure,
    systemCertsDirs: [],
    retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 60_000, sleep: async () => {} },
    ...extra,
  };
}

/** `skopeo inspect --raw` of a registry image: the manifest bytes exactly as the registry serves them. */
export async function skopeoRaw(reference: string, options: { creds?: string; certDir?: string } = {}): Promise<Buffer> {
  const args = ['inspect', '--raw', ...(options.certDir ? [`--cert-dir=${options.certDir}`] : ['--tls-verify=false'])];
  if (options.creds) args.push('--creds', options.creds);
  args.push(reference);
  return Buffer.from((await exec('skopeo', args, { secrets: options.creds ? [options.creds] : [] })).stdout, 'utf8');
}

/** `skopeo inspect` (config view) as JSON, e.g. to see which platform skopeo picks. */
export async function skopeoInspect(
  reference: string,
  options: { creds?: string; arch?: string } = {},
): Promise<{ Digest: string; Architecture: string; RepoTags?: string[] }> {
  const args = ['inspect', '--tls-verify=false'];
  if (options.arch) args.push('--override-arch', options.arch);
  if (options.creds) args.push('--creds', options.creds);
  args.push(reference);
  return JSON.parse((await exec('skopeo', args, { secrets: options.creds ? [options.creds] : [] })).stdout);
}

/** `skopeo copy` with TLS verification off and optional credentials for each side. */
export async function skopeoCopy(from: string, to: string, options: { srcCreds?: string; destCreds?: string } = {}): Promise<void> {
  const args = ['copy', '--quiet', '--preserve-digests', '--all', '--src-tls-verify=false', '--dest-tls-verify=false'];
  if (options.srcCreds) args.push('--src-creds', options.srcCreds);
  if (options.destCreds) args.push('--dest-creds', options.destCreds);
  await exec('skopeo', [...args, from, to], { secrets: [options.srcCreds ?? '', options.destCreds ?? ''].filter(Boolean) });
}
