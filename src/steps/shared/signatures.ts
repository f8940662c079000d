/**
 * Requiring signed source commits (the `allowed-signers` input of promote and rollback): the file is
 * read and checked before anything is cloned, and each commit a step acts on is checked against it.
 */
import { readFile } from 'node:fs/promises';
import { UserError, VerdictError } from '../../core/errors.ts';
import { parseAllowedSigners, type SignaturePolicy } from '../../core/signers.ts';
import type { SignatureCheck } from '../../adapters/git/git-signing.ts';

/** What checking signatures needs from a clone (the git adapter's `GitRepo`). */
export interface SignatureReader {
  checkSignature(commit: string, policy: SignaturePolicy): Promise<SignatureCheck>;
}

/** A commit that lacks a good signature by an allowed key: the step's verdict, exit 1. */
export class UnsignedCommit extends VerdictError {
  override name = 'UnsignedCommit';
}

/** Reads the allowed-signers file named by the input; undefined when the input is not set. */
export async function loadSignaturePolicy(file: string | undefined): Promise<SignaturePolicy | undefined> {
  if (!file) return undefined;
  const text = await readFile(file, 'utf8').catch((cause: unknown) => {
    throw new UserError(
      `allowed-signers: cannot read ${file} (${(cause as NodeJS.ErrnoException).code ?? 'error'}); give the path of an ` +
        `allowed-signers file.`,
      { input: 'allowed-signers', cause },
    );
  });
  return parseAllowedSigners(text, file);
}

/**
 * Refuses (exit 1) when `commit` does not carry a good signature by a key of `policy`; `what` says which
 * commit it is for the message. Resolves with the signer when good.
 */
export async function requireSigned(repo: SignatureReader, commit: string, policy: SignaturePolicy, what: string): Promise<string> {
  const check = await repo.checkSignature(commit, policy);
  if (!check.good) {
    throw new UnsignedCommit(
      `${what} ${commit.slice(0, 12)} has no good signature by a key in allowed-signers (${check.detail}); nothing was written. Sign ` +
        `the commit with an allowed key, or add its key to allowed-signers.`,
    );
  }
  return check.detail;
}
