import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { execRaw } from '../exec.ts';

/** What a credential helper answered for a server. */
export interface HelperAnswer {
  readonly username?: string;
  readonly password?: string;
  /** Set when the helper returned user `<token>`: the secret is an OAuth2 refresh token. */
  readonly identityToken?: string;
}

/**
 * Asks `docker-credential-<name> get` for a server's credentials: the server URL goes on standard
 * input, JSON `{ServerURL, Username, Secret}` comes back; "credentials not found" means none
 * (docker/docker-credential-helpers, client/client.go). `undefined` when the helper has nothing.
 */
export async function runCredentialHelper(
  name: string,
  serverUrl: string,
  env: Readonly<Record<string, string | undefined>>,
  configured: string,
): Promise<HelperAnswer | undefined> {
  const program = `docker-credential-${name}`;
  const missing = `${configured} names the credential helper "${name}", but ${program}`;
  const advice = `Install ${program}, or remove "${name}" from that file.`;
  // Looked up first: a missing helper is the common case (a config.json copied from a desktop), and
  // it deserves a plain message rather than a spawn error.
  if (!(await onPath(program, env.PATH))) throw new UserError(`${missing} is not on PATH. ${advice}`);
  let result: Awaited<ReturnType<typeof execRaw>>;
  try {
    result = await execRaw(program, ['get'], { input: serverUrl, env, replaceEnv: true, timeoutMs: 30_000 });
  } catch (error) {
    throw new UserError(`${missing} could not run (${(error as Error).message}). ${advice}`, { cause: error });
  }
  if (result.code !== 0) return helperFailure(program, serverUrl, result.stdout + result.stderr, configured);
  return parseAnswer(program, result.stdout, configured);
}

/** True when an executable named `program` is in one of the `PATH` directories. */
async function onPath(program: string, path: string | undefined): Promise<boolean> {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      await access(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

function helperFailure(program: string, serverUrl: string, output: string, configured: string): undefined {
  if (/credentials not found/i.test(output)) return undefined;
  const detail = output.trim().split('\n').slice(-3).join(' ');
  throw new UserError(
    `${program} get failed for ${serverUrl} (${configured}): ${detail || 'no output'}. ` +
      `Log in again with that helper, or remove it from the file.`,
  );
}

function parseAnswer(program: string, stdout: string, configured: string): HelperAnswer | undefined {
  let json: { Username?: unknown; Secret?: unknown };
  try {
    json = JSON.parse(stdout) as typeof json;
  } catch (error) {
    throw new UserError(`${program} get (${configured}) printed something that is not JSON.`, { cause: error });
  }
  const username = typeof json.Username === 'string' ? json.Username : '';
  const secret = typeof json.Secret === 'string' ? json.Secret : '';
  if (secret === '') return undefined;
  // docker/cli credentials/native_store.go: user "<token>" marks an identity (refresh) token.
  if (username === '<token>') return { identityToken: secret };
  return { username, password: secret };
}
