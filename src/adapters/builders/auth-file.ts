/**
 * A temporary registry auth file for the external builders, from the username/password inputs, so
 * they can pull private base images. It lives in the step's private directory (mode 0600) and goes
 * with it; credentials never go on a command line.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DOCKER_HUB } from '../../core/image-ref.ts';

/** Writes `<dir>/config.json` (`auths`, readable as docker config and containers auth.json) and returns its path. */
export async function writeAuthFile(dir: string, registry: string, username: string, password: string): Promise<string> {
  const auth = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
  const keys = registry === DOCKER_HUB ? [DOCKER_HUB, 'https://index.docker.io/v1/'] : [registry];
  const path = join(dir, 'config.json');
  await writeFile(path, `${JSON.stringify({ auths: Object.fromEntries(keys.map((key) => [key, auth])) })}\n`, { mode: 0o600 });
  return path;
}
