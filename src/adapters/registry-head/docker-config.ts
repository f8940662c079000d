import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BasicCredentials } from './types.ts';

/**
 * Reads `auths` entries (`auth: base64(user:password)`) from the Docker config, keyed by registry host.
 * Credential helpers and stores are the full client's business; this covers the static entries.
 */
export async function readDockerAuths(env: Readonly<Record<string, string | undefined>>): Promise<Map<string, BasicCredentials>> {
  const dir = env['DOCKER_CONFIG'] || join(env['HOME'] || homedir(), '.docker');
  const out = new Map<string, BasicCredentials>();
  const text = await readFile(join(dir, 'config.json'), 'utf8').catch(() => undefined);
  if (!text) return out;
  let config: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
  try {
    config = JSON.parse(text);
  } catch {
    return out;
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const decoded = entry.auth ? Buffer.from(entry.auth, 'base64').toString('utf8') : undefined;
    const colon = decoded?.indexOf(':') ?? -1;
    if (decoded && colon > 0) out.set(host, { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
    else if (entry.username && entry.password) out.set(host, { username: entry.username, password: entry.password });
  }
  return out;
}
