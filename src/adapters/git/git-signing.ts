/**
 * Signed commits: which of the caller's signing settings Baton passes through its hardened git
 * environment, and checking a commit's signature against an allowed list of keys.
 *
 * The hardened environment turns `commit.gpgSign` off, so a developer's global setting cannot make a CI
 * run wait for a passphrase. Signing is turned on deliberately instead, the way git itself is told:
 * `commit.gpgsign=true` with `user.signingkey` and `gpg.format` (and the signing programs), given through
 * `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` in the environment or in the user's global git
 * config. The environment wins over the config file, key by key. Only these keys pass; nothing else of
 * the user's config is taken over.
 */
import { UserError } from '../../core/errors.ts';
import type { SignaturePolicy } from '../../core/signers.ts';
import { execRaw } from '../exec.ts';
import type { ConfigEntry } from './git-auth.ts';
import { type CloneHandle, gitIn } from './git-handle.ts';

/** The signing keys passed through (lower case, as git compares them). */
const SIGNING_KEYS = ['commit.gpgsign', 'user.signingkey', 'gpg.format', 'gpg.program', 'gpg.openpgp.program', 'gpg.ssh.program', 'gpg.x509.program'] as const;

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
  const clean = { HOME: env['HOME'], XDG_CONFIG_HOME: env['XDG_CONFIG_HOME'], GIT_CONFIG_GLOBAL: env['GIT_CONFIG_GLOBAL'], PATH: env['PATH'], LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1' };
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
    throw new UserError('commit.gpgsign is on but user.signingkey is not set: give the signing key (a GPG key id or an SSH key file) the same way.');
  }
  const format = settings.get('gpg.format') ?? 'openpgp';
  if (!['openpgp', 'ssh', 'x509'].includes(format)) throw new UserError(`gpg.format "${format}" is not one of openpgp, ssh, x509.`);
  return [...settings].filter(([key]) => key !== 'commit.gpgsign').map(([key, value]): ConfigEntry => [key, value]).concat([['commit.gpgsign', 'true']]);
}

/**
 * Makes the newest commit of `ref` (a notes ref, which `git notes` cannot sign) a signed commit with the
 * same tree, parents and message, and moves `ref` to it. Resolves with the signed commit.
 */
export async function signRefTip(handle: CloneHandle, ref: string, env: Record<string, string>): Promise<string> {
  const tip = (await gitIn(handle, ['rev-parse', '--verify', ref])).stdout.trim();
  const { stdout } = await gitIn(handle, ['log', '-1', '--format=%T%x00%P%x00%B', tip]);
  const [tree = '', parents = '', message = ''] = stdout.split('\0');
  const args = ['commit-tree', '-S', tree, ...parents.split(' ').filter(Boolean).flatMap((p) => ['-p', p]), '-F', '-'];
  const signed = (await gitIn(handle, args, { input: message, env })).stdout.trim();
  await gitIn(handle, ['update-ref', ref, signed, tip]);
  return signed;
}

/** What checking one commit's signature found. */
export interface SignatureCheck {
  readonly good: boolean;
  /** Who signed (a principal or key fingerprint) when good; why not otherwise. */
  readonly detail: string;
}

/**
 * Checks that `commit` carries a good signature by a key `policy` allows: for SSH keys, `git verify-commit`
 * against the allowed-signers file (`gpg.ssh.allowedSignersFile`); for GPG keys, `git verify-commit --raw`
 * and the signing key's fingerprint (or its primary key's) in the list. The keys of a GPG list must be in
 * the caller's keyring (GNUPGHOME).
 */
export async function checkSignature(handle: CloneHandle, commit: string, policy: SignaturePolicy): Promise<SignatureCheck> {
  const args = policy.kind === 'ssh' ? ['-c', `gpg.ssh.allowedSignersFile=${policy.file}`, 'verify-commit', '--raw', commit] : ['verify-commit', '--raw', commit];
  const result = await handle.cli.raw(args, { cwd: handle.dir });
  const status = `${result.stderr}\n${result.stdout}`;
  if (policy.kind === 'ssh') {
    const principal = /Good "git" signature for (\S+)/.exec(status)?.[1];
    return result.code === 0 && principal ? { good: true, detail: principal } : { good: false, detail: reason(status) };
  }
  const valid = /^\[GNUPG:\] VALIDSIG (\S+)(?: \S+){8} (\S+)/m.exec(status);
  const fingerprints = valid ? [valid[1]!.toUpperCase(), valid[2]!.toUpperCase()] : [];
  const allowed = fingerprints.find((f) => policy.fingerprints.includes(f));
  if (result.code === 0 && allowed) return { good: true, detail: allowed };
  return { good: false, detail: valid ? `signed by ${fingerprints[0]}, which is not an allowed key` : reason(status) };
}

function reason(status: string): string {
  if (/no signature found|^\s*$/i.test(status)) return 'no signature';
  const line = status.split('\n').find((l) => /no principal matched|bad signature|BADSIG|ERRSIG|NO_PUBKEY|EXPKEYSIG|REVKEYSIG|could not verify|error/i.test(l));
  return line?.replace(/^\[GNUPG:\]\s*/, '').trim() || 'no good signature';
}
