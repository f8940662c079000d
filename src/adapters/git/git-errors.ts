import { TransientError, UserError } from '../../core/errors.ts';
import type { ExecResult } from '../exec.ts';
import { describeRemote } from './git-url.ts';

/** What a failed network command was doing, for a message that says what to fix. */
export interface FailureContext {
  /** `clone`, `fetch`, `ls-remote` or `push`. */
  readonly verb: string;
  /** The remote for messages (no credentials). */
  readonly remote: string;
  readonly branch?: string;
  readonly hasToken: boolean;
}

/**
 * Git's messages (with `LC_ALL=C`) for each kind of failure. Git has no machine-readable error codes for
 * transport failures, so the wording of `http.c`/`remote-curl.c`/`transport.c` and of curl is matched.
 */
const AUTH_RE =
  /Authentication failed|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]\b|HTTP Basic: Access denied|Invalid username or password|Permission to .* denied/i;
const REDIRECT_RE = /returned error: 30[1278]\b/;
const REPO_MISSING_RE =
  /repository '.*' not found|Repository not found|returned error: 404\b|does not appear to be a git repository|not a git repository/i;
const BRANCH_MISSING_RE = /Remote branch .* not found in upstream|couldn't find remote ref|Could not find remote branch/i;
const NETWORK_RE = new RegExp(
  [
    'Could not resolve (host|proxy)',
    'Failed to connect',
    "Couldn't connect to server",
    'Connection (refused|reset|timed out)',
    'Operation timed out',
    'Operation too slow',
    'returned error: (408|429|5\\d\\d)\\b',
    'RPC failed',
    'early EOF',
    'unexpected disconnect',
    'the remote end hung up unexpectedly',
    'transfer closed with',
    'Empty reply from server',
    '(Recv|Send) failure',
    'SSL_ERROR_SYSCALL',
    'GnuTLS recv error',
    'gnutls_handshake\\(\\) failed',
    'HTTP/2 stream \\d+ was not closed cleanly',
    'index-pack failed',
    'Temporary failure in name resolution',
    'Network is unreachable',
  ].join('|'),
  'i',
);

/** The line of git's output that says what went wrong: its first `fatal:`/`error:`, else its last line. */
export function failureDetail(result: ExecResult): string {
  const lines = (result.stderr || result.stdout)
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line && !/^(hint:|Cloning into|remote: (Counting|Compressing|Enumerating|Total))/.test(line));
  const line =
    lines.find((l) => l.startsWith('fatal:')) ?? lines.find((l) => l.startsWith('error:')) ?? lines.at(-1) ?? `exit code ${result.code}`;
  return describeRemote(line.replace(/^(fatal|error): /, ''));
}

/** True when `stderr` shows a fault that may pass on its own (network, timeouts, 5xx). */
export function isNetworkFailure(stderr: string): boolean {
  return NETWORK_RE.test(stderr) && !AUTH_RE.test(stderr) && !REPO_MISSING_RE.test(stderr);
}

/**
 * Turns a failed network command into the error a user can act on: {@link UserError} naming the
 * input (`token`, `repo`, `branch`) for what only the user can fix, {@link TransientError} for network
 * faults, and a plain error with the command's output for anything else.
 */
export function classifyFailure(result: ExecResult, context: FailureContext, cause: unknown): Error {
  const text = `${result.stderr}\n${result.stdout}`;
  const detail = failureDetail(result);
  if (AUTH_RE.test(text)) return authError(context, detail, cause);
  if (REDIRECT_RE.test(text)) {
    return new UserError(
      `repo: ${context.remote} answers with a redirect; Baton does not follow redirects while it sends ` +
        'credentials, since git would send them on to wherever the redirect points. Set repo to the ' +
        "repository's current URL (it may have been renamed or moved).",
      { input: 'repo', cause },
    );
  }
  if (REPO_MISSING_RE.test(text)) {
    const access = context.hasToken ? ', or the token cannot see it' : '';
    return new UserError(`repo: no git repository at ${context.remote}${access}. Check the repo input (${detail}).`, {
      input: 'repo',
      cause,
    });
  }
  if (BRANCH_MISSING_RE.test(text)) {
    return new UserError(
      `branch: ${context.remote} has no branch "${context.branch ?? ''}". Check the branch input, or leave it ` +
        'empty for the default branch.',
      { input: 'branch', cause },
    );
  }
  if (isNetworkFailure(text)) {
    return new TransientError(`git ${context.verb} ${context.remote} failed: ${detail}`, { cause });
  }
  return new Error(`git ${context.verb} ${context.remote} failed: ${detail}`, { cause });
}

function authError(context: FailureContext, detail: string, cause: unknown): UserError {
  const scopes = 'Baton needs to read and push: GitHub "contents: write", GitLab "write_repository"';
  const message = context.hasToken
    ? `token: ${context.remote} refused the token during ${context.verb} (${detail}). Check that the token ` +
      `input holds a valid, unexpired token for this repository (${scopes}).`
    : `token: ${context.remote} asks for credentials (${detail}). Set the token input (${scopes}).`;
  return new UserError(message, { input: 'token', cause });
}
