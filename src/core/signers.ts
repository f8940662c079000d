/**
 * The `allowed-signers` input: which keys may sign the commits promote and rollback act on. Either an
 * SSH allowed-signers file (ssh-keygen(1) "ALLOWED SIGNERS": `principals [options] keytype key`), checked
 * by git through `gpg.ssh.allowedSignersFile`, or a list of GPG key fingerprints, one per line. Pure:
 * text in, a policy out.
 */
import { UserError } from './errors.ts';

/** How to tell a good signature: an SSH allowed-signers file, or GPG fingerprints (upper case, no spaces). */
export type SignaturePolicy =
  | { readonly kind: 'ssh'; readonly file: string }
  | { readonly kind: 'gpg'; readonly fingerprints: readonly string[] };

const FINGERPRINT_RE = /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/;
const SSH_KEY_RE = /(^|\s)(ssh-(ed25519|rsa|dss)|ecdsa-sha2-\S+|sk-(ssh-ed25519|ecdsa-sha2-\S+)@openssh\.com)\s+[A-Za-z0-9+/=]+/;

/** Reads the allowed-signers file `file` (its text given): SSH allowed signers or GPG fingerprints. */
export function parseAllowedSigners(text: string, file: string): SignaturePolicy {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length === 0) throw new UserError(`allowed-signers: ${file} lists no key.`, { input: 'allowed-signers' });
  const fingerprints = lines.map((line) => line.replace(/\s+/g, '').toUpperCase());
  if (fingerprints.every((f) => FINGERPRINT_RE.test(f))) return { kind: 'gpg', fingerprints };
  const bad = lines.findIndex((line) => !SSH_KEY_RE.test(line));
  if (bad < 0) return { kind: 'ssh', file };
  throw new UserError(
    `allowed-signers: line "${lines[bad]!.slice(0, 60)}" of ${file} is neither an SSH allowed-signers entry (principals keytype key) ` +
      `nor a GPG fingerprint (40 or 64 hex digits); one kind per file.`,
    { input: 'allowed-signers' },
  );
}
