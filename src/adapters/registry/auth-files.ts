import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { DOCKER_HUB } from '../../core/image-ref.ts';

/** One `auths` entry of a docker `config.json` or containers `auth.json`. */
export interface AuthEntry {
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
}

/** Which format a file is: they differ in how keys match (containers keys may name a namespace). */
export type AuthFileKind = 'docker' | 'containers';

/** A credentials file that exists and parsed. */
export interface AuthFile {
  readonly path: string;
  readonly kind: AuthFileKind;
  readonly auths: Readonly<Record<string, AuthEntry>>;
  readonly credsStore?: string;
  readonly credHelpers: Readonly<Record<string, string>>;
}

/** Where a credentials file may live, in the order Baton reads them. */
export interface AuthFileLocation {
  readonly path: string;
  readonly kind: AuthFileKind;
}

/** The key `docker login` writes for Docker Hub, and what its credential helpers are asked for. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);

/**
 * Credentials files in lookup order: `REGISTRY_AUTH_FILE`, docker's `$DOCKER_CONFIG/config.json`
 * (default `~/.docker/config.json`), then containers' `$XDG_RUNTIME_DIR/containers/auth.json` and
 * `$XDG_CONFIG_HOME/containers/auth.json` (containers-auth.json(5)). An explicitly named file comes
 * first; docker's file before the containers defaults because `docker login` is what CI runners use.
 */
export function authFileLocations(env: Readonly<Record<string, string | undefined>>, home: string): AuthFileLocation[] {
  const locations: AuthFileLocation[] = [];
  if (env.REGISTRY_AUTH_FILE) locations.push({ path: env.REGISTRY_AUTH_FILE, kind: 'containers' });
  locations.push({ path: join(env.DOCKER_CONFIG || join(home, '.docker'), 'config.json'), kind: 'docker' });
  if (env.XDG_RUNTIME_DIR) locations.push({ path: join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'), kind: 'containers' });
  locations.push({ path: join(env.XDG_CONFIG_HOME || join(home, '.config'), 'containers', 'auth.json'), kind: 'containers' });
  return locations;
}

/** Reads a credentials file; `undefined` when it does not exist. Invalid JSON is the user's to fix. */
export async function readAuthFile(location: AuthFileLocation): Promise<AuthFile | undefined> {
  let text: string;
  try {
    text = await readFile(location.path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new UserError(`cannot read registry credentials file ${location.path}: ${(error as Error).message}`, { cause: error });
  }
  let json: Record<string, unknown>;
  try {
    json = text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch (error) {
    throw new UserError(`registry credentials file ${location.path} is not valid JSON; fix it or remove it.`, { cause: error });
  }
  return {
    path: location.path,
    kind: location.kind,
    auths: objectOf<AuthEntry>(json.auths),
    ...(typeof json.credsStore === 'string' && json.credsStore ? { credsStore: json.credsStore } : {}),
    credHelpers: objectOf<string>(json.credHelpers),
  };
}

function objectOf<T>(value: unknown): Record<string, T> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, T>) : {};
}

/** Normalises a registry name or auth key to a lowercase host, folding Docker Hub's aliases. */
export function registryHost(keyOrHost: string): string {
  const host = keyOrHost
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
  return DOCKER_HUB_HOSTS.has(host) ? DOCKER_HUB : host;
}

/**
 * What a credential helper is asked for: Docker Hub's legacy URL key, otherwise the host (as
 * `docker login` stores it).
 */
export function helperServerUrl(registry: string): string {
  return registryHost(registry) === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : registryHost(registry);
}

/**
 * The scope a key names, as `host[/namespace]`. Docker keys are always host-only (docker/cli
 * `ConvertToHostname`); containers keys may add a namespace, and legacy keys with a scheme are host-only
 * (containers-auth.json(5)).
 */
function keyScope(key: string, kind: AuthFileKind): string {
  if (kind === 'docker' || /^[a-z]+:\/\//i.test(key)) return registryHost(key);
  const [host = '', ...path] = key.trim().replace(/\/+$/, '').split('/');
  return [registryHost(host), ...path].join('/');
}

/**
 * The `auths` entry for an image: the most specific namespace wins (containers), then the host; Docker
 * Hub's `https://index.docker.io/v1/` key matches `docker.io`.
 */
export function findAuthEntry(file: AuthFile, registry: string, repository: string): { key: string; entry: AuthEntry } | undefined {
  const wanted = `${registryHost(registry)}/${repository}`;
  let best: { key: string; entry: AuthEntry; length: number } | undefined;
  for (const [key, entry] of Object.entries(file.auths)) {
    const scope = keyScope(key, file.kind);
    if (wanted !== scope && !wanted.startsWith(`${scope}/`)) continue;
    if (!best || scope.length > best.length) best = { key, entry, length: scope.length };
  }
  return best && { key: best.key, entry: best.entry };
}

/** The credential helper for a registry: `credHelpers` by host, else `credsStore` (docker/cli config). */
export function findHelper(file: AuthFile, registry: string): { name: string; via: string } | undefined {
  const host = registryHost(registry);
  for (const [key, name] of Object.entries(file.credHelpers)) {
    if (name && registryHost(key) === host) return { name, via: `credHelpers["${key}"]` };
  }
  return file.credsStore ? { name: file.credsStore, via: 'credsStore' } : undefined;
}

/** The user name and password of an entry; `auth` is base64 of `user:password`. */
export function decodeAuthEntry(entry: AuthEntry): { username?: string; password?: string } {
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return {
    ...(entry.username ? { username: entry.username } : {}),
    ...(entry.password ? { password: entry.password } : {}),
  };
}
