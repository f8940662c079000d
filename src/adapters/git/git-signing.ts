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
import type { SignaturePolicy } from '../../core/signers.ts';
import { type CloneHandle, gitIn } from './git-handle.ts';

/**
 * Makes the newest commit of `ref` (a notes ref, which `git notes` cannot sign) a signed commit with the
 * same tree, parents and message, and moves `ref` to it. Resolves with the signed commit.
 */
export async function signRefTip(handle: CloneHandle, ref: string, env: Record<string, string>): Promise<string> {
  const tip = (await gitIn(handle, ['rev-parse', '--verify', ref])).stdout.trim();
  const { stdout } = await gitIn(handle, ['log', '-1', '--format=%T%x00%P%x00%B', tip]);
  const [tree = '', parents = '', message = ''] = stdout.split('\0');
  const args = [
    'commit-tree',
    '-S',
    tree,
    ...parents
      .split(' ')
      .filter(Boolean)
      .flatMap((p) => ['-p', p]),
    '-F',
    '-',
  ];
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
  const args =
    policy.kind === 'ssh'
      ? ['-c', `gpg.ssh.allowedSignersFile=${policy.file}`, 'verify-commit', '--raw', commit]
      : ['verify-commit', '--raw', commit];
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
  const line = status
    .split('\n')
    .find((l) => /no principal matched|bad signature|BADSIG|ERRSIG|NO_PUBKEY|EXPKEYSIG|REVKEYSIG|could not verify|error/i.test(l));
  return line?.replace(/^\[GNUPG:\]\s*/, '').trim() || 'no good signature';
}
