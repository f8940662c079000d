/**
 * The signing settings Baton passes through git's hardened environment: only the keys that make git sign
 * (commit.gpgsign, user.signingkey, gpg.format and the signing programs), from GIT_CONFIG_* or the user's
 * global git config. Apart from git-signing.ts so the git door can read them without a cycle.
 */
import { UserError } from '../../core/errors.ts';
import { execRaw } from '../exec.ts';
import type { ConfigEntry } from './git-auth.ts';

/** The signing keys passed through (lower case, as git compares them). */
const SIGNING_KEYS = [
  'commit.gpgsign',
  'user.signingkey',
  'gpg.format',
  'gpg.program',
  'gpg.openpgp.program',
  'gpg.ssh.program',
  'gpg.x509.program',
] as const;

/** The signing settings named in `GIT_CONFIG_*` variables of `env`. */
function fromEnvironment(env: NodeJS.ProcessEnv): Map<string, string> {
  const found = new Map<string, string>();
  const count = Number.parseInt(env['GIT_CONFIG_COUNT'] ?? '0', 10);
  for (let i = 0; i < (Number.isInteger(count) ? count : 0); i++) {
    const key = env[`GIT_CONFIG_KEY_${i}`]?.toLowerCase();
    const value = env[`GIT_CONFIG_VALUE_${i}`];
    if (key && value !== undefined && (SIGNING_KEYS as readonly string[]).includes(key)) found.set(key, value);
  }
  return found;
}

/** The signing settings of the user's global git config (`~/.gitconfig`, `$XDG_CONFIG_HOME/git/config`). */
async function fromGlobalConfig(env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  const pattern = `^(${SIGNING_KEYS.map((k) => k.replace(/\./g, '\\.')).join('|')})$`;
  const clean = {
    HOME: env['HOME'],
    XDG_CONFIG_HOME: env['XDG_CONFIG_HOME'],
    GIT_CONFIG_GLOBAL: env['GIT_CONFIG_GLOBAL'],
    PATH: env['PATH'],
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const result = await execRaw('git', ['config', '--global', '--get-regexp', pattern], { env: clean, replaceEnv: true });
  const found = new Map<string, string>();
  for (const line of result.code === 0 ? result.stdout.split('\n') : []) {
    const space = line.indexOf(' ');
    if (space > 0) found.set(line.slice(0, space).toLowerCase(), line.slice(space + 1));
  }
  return found;
}

/**
 * The config entries that make git sign what Baton commits, or none when the caller did not ask for
 * signing (`commit.gpgsign` not true). A signing request without a key is a user error: git would fall
 * back to the committer's e-mail as a GPG key id, which is never what a CI job means.
 */
export async function signingConfig(env: NodeJS.ProcessEnv = process.env): Promise<readonly ConfigEntry[]> {
  const settings = new Map([...(await fromGlobalConfig(env)), ...fromEnvironment(env)]);
  if (!/^(true|yes|on|1)$/i.test(settings.get('commit.gpgsign') ?? '')) return [];
  if (!settings.get('user.signingkey')) {
    throw new UserError(
      'commit.gpgsign is on but user.signingkey is not set: give the signing key (a GPG key id or an SSH key file) the same way.',
    );
  }
  const format = settings.get('gpg.format') ?? 'openpgp';
  if (!['openpgp', 'ssh', 'x509'].includes(format)) throw new UserError(`gpg.format "${format}" is not one of openpgp, ssh, x509.`);
  return [...settings]
    .filter(([key]) => key !== 'commit.gpgsign')
    .map(([key, value]): ConfigEntry => [key, value])
    .concat([['commit.gpgsign', 'true']]);
}
