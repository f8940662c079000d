/**
 * GitHub's failures in words for people: which input to fix, the permission a call needs and how to
 * grant it, when to try again; and which failures are worth another attempt.
 */
import { TransientError, UserError } from '../../core/errors.ts';
import {
  DEFAULT_FORGE_RETRY,
  DEFAULT_MAX_WAIT_MS,
  type ForgeRetryOptions,
  type RetryVerdict,
  describeWait,
  headerValue,
  isRetryableStatus,
  redact,
  serverWaitMs,
  shorten,
} from './http.ts';

/** What Baton was doing when a call failed, for messages. */
export interface Action {
  readonly doing: string;
  /** Permission(s) the call needs, in workflow `permissions:` syntax. */
  readonly needs: string;
  /** How to grant them, when it differs from the pull-request hint. */
  readonly grant?: string;
}

/** An error from Octokit's request layer (`RequestError`), read by shape. */
interface HttpFailure {
  readonly status: number;
  readonly message: string;
  readonly response?: { readonly headers?: Record<string, string | number | undefined>; readonly data?: unknown };
}

const PERMISSION_HINT =
  'in a workflow, give the job `permissions: { contents: write, pull-requests: write }`; for a GitHub App or fine-grained token, ' +
  'grant those repository permissions';

/** The repository and token a {@link GitHubErrors} words its messages for. */
export interface GitHubErrorContext {
  readonly owner: string;
  readonly name: string;
  readonly apiUrl: string;
  /** Removed from every message. */
  readonly token: string;
  readonly retry: ForgeRetryOptions;
}

/** Turns Octokit's errors into Baton's: a {@link UserError} naming the input, a transient fault, or a bug. */
export class GitHubErrors {
  readonly #repo: GitHubErrorContext;

  constructor(repo: GitHubErrorContext) {
    this.#repo = repo;
  }

  /** The warning for auto-merge that could not be enabled, with what to change. */
  autoMergeWarning(number: number, error: unknown): string {
    const problems = graphqlProblems(error);
    const text = problems.map((problem) => problem.message).join('; ') || failureText(error);
    let hint = '';
    if (/not allowed for this repository/i.test(text)) {
      hint = '; turn on "Allow auto-merge" in the repository settings (Settings → General → Pull Requests)';
    } else if (/clean status/i.test(text)) {
      hint =
        '; the pull request can be merged right away (no required checks pending): auto-merge needs a base branch that requires ' +
        'status checks';
    } else if (problems.some((problem) => problem.type === 'FORBIDDEN') || /not accessible/i.test(text)) {
      hint = '; the token needs `contents: write` and `pull-requests: write`';
    }
    return redact(`auto-merge was not enabled on pull request #${number}: ${text}${hint}`, this.#repo.token);
  }

  /** The error to throw for a failed call: what went wrong, in terms of the input to fix. */
  failure(error: unknown, action: Action): Error {
    const status = httpStatus(error);
    if (status === undefined) return error instanceof Error ? error : new Error(String(error));
    const failure = error as HttpFailure;
    const where = `${action.doing} in ${this.#repo.owner}/${this.#repo.name}`;
    const text = failureText(error);
    if (!failure.response) return this.#transient(`Could not reach the GitHub API at ${this.#repo.apiUrl} to ${where}: ${text}`);
    if (status === 401) {
      return this.#user(
        'token',
        `token: GitHub rejected the token (401 ${text}) when trying to ${where}; set \`token\` to a valid, unexpired token for ` +
          `${this.#repo.apiUrl}`,
      );
    }
    if (isRateLimited(failure)) {
      return this.#transient(`GitHub rate limit hit when trying to ${where} (${status} ${text}); try again ${this.#whenToRetry(failure)}`);
    }
    if (status === 403) return this.#forbidden(failure, action, where, text);
    if (status === 404) {
      return this.#user(
        'repo',
        `repo: GitHub repository ${this.#repo.owner}/${this.#repo.name} was not found at ${this.#repo.apiUrl}, or the token cannot ` +
          `see it (404 when trying to ${action.doing}); check \`repo\` and that \`token\` has access to it`,
      );
    }
    if (status === 422) return this.#unprocessable(failure, where, text);
    const message = `GitHub API answered ${status} (${text}) when trying to ${where}`;
    if (!isRetryableStatus(status)) return new Error(redact(message, this.#repo.token));
    const attempts = this.#repo.retry.attempts ?? DEFAULT_FORGE_RETRY.attempts;
    return this.#transient(`${message}; gave up (up to ${attempts} attempts); try again ${this.#whenToRetry(failure)}`);
  }

  #forbidden(failure: HttpFailure, action: Action, where: string, text: string): UserError {
    if (/GitHub Actions is not permitted/i.test(text)) {
      return this.#user(
        'token',
        `token: GitHub Actions may not ${where} (403 ${text}); turn on Settings → Actions → General → "Allow GitHub Actions to ` +
          `create and approve pull requests", or pass a GitHub App or personal access token as \`token\``,
      );
    }
    const accepted = headerValue(failure.response?.headers, 'x-accepted-github-permissions');
    const needs = accepted ? describePermissions(accepted) : action.needs;
    const grant = action.grant ?? `(and \`contents: write\` to push the branch): ${PERMISSION_HINT}`;
    return this.#user('token', `token: the token may not ${where} (403 ${text}); it needs ${needs}${action.grant ? '; ' : ' '}${grant}`);
  }

  #unprocessable(failure: HttpFailure, where: string, text: string): Error {
    if (validationErrors(failure.response?.data).some((entry) => entry.field === 'base')) {
      return this.#user('branch', `branch: GitHub refused to ${where}: the base branch does not exist (${text})`);
    }
    return new Error(redact(`GitHub refused to ${where} (422 ${text})`, this.#repo.token));
  }

  #whenToRetry(failure: HttpFailure): string {
    const wait = serverWaitMs(failure.response?.headers, (this.#repo.retry.now ?? Date.now)());
    return wait === undefined ? 'in a few minutes' : `in ${describeWait(wait)}`;
  }

  #user(input: string, message: string): UserError {
    return new UserError(redact(message, this.#repo.token), { input });
  }

  #transient(message: string): TransientError {
    return new TransientError(redact(message, this.#repo.token));
  }
}

/** Whether a failed GitHub request may be tried again, and after how long. */
export function judgeGitHub(error: unknown, retry: ForgeRetryOptions = {}): RetryVerdict {
  const status = httpStatus(error);
  if (status === undefined) return { retry: false };
  const failure = error as HttpFailure;
  if (!failure.response) return { retry: true };
  const now = (retry.now ?? Date.now)();
  const hinted = serverWaitMs(failure.response.headers, now);
  const limit = retry.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  if (isRateLimited(failure)) {
    // GitHub: without a hint, wait at least a minute after a secondary rate limit.
    const wait = hinted ?? 60_000;
    return wait <= limit ? { retry: true, waitMs: wait } : { retry: false };
  }
  if (!isRetryableStatus(status)) return { retry: false };
  if (hinted !== undefined && hinted > limit) return { retry: false };
  return { retry: true, ...(hinted === undefined ? {} : { waitMs: hinted }) };
}

function isRateLimited(failure: HttpFailure): boolean {
  if (failure.status !== 403 && failure.status !== 429) return false;
  const headers = failure.response?.headers;
  if (failure.status === 429) return true;
  if (headerValue(headers, 'retry-after') !== undefined) return true;
  if (headerValue(headers, 'x-ratelimit-remaining') === '0') return true;
  return /rate limit/i.test(failureText(failure));
}

export function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && (error as { name?: unknown }).name === 'HttpError' ? status : undefined;
}

/** The server's message (without Octokit's appended documentation URL), else the error's. */
export function failureText(error: unknown): string {
  const data = (error as HttpFailure).response?.data;
  if (typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string') {
    const { message } = data as { message: string };
    const details = validationErrors(data)
      .map((entry) => entry.message ?? [entry.field, entry.code].filter(Boolean).join(' '))
      .filter(Boolean);
    return details.length > 0 ? `${message}: ${details.join('; ')}` : message;
  }
  return shorten(error instanceof Error ? error.message : String(error));
}

interface ValidationEntry {
  readonly resource?: string;
  readonly field?: string;
  readonly code?: string;
  readonly message?: string;
}

function validationErrors(data: unknown): ValidationEntry[] {
  const errors = (data as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((entry) => (typeof entry === 'string' ? { message: entry } : (entry as ValidationEntry)));
}

export function isDuplicatePull(error: unknown): boolean {
  if (httpStatus(error) !== 422) return false;
  return validationErrors((error as HttpFailure).response?.data).some((entry) => /pull request already exists/i.test(entry.message ?? ''));
}

/** `pull_requests=write; issues=write` → "`pull-requests: write` or `issues: write`". */
export function describePermissions(header: string): string {
  return header
    .split(';')
    .map((set) =>
      set
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry) => {
          const [name = '', level = 'write'] = entry.split('=');
          return `\`${name.trim().replace(/_/g, '-')}: ${level.trim()}\``;
        })
        .join(' and '),
    )
    .filter(Boolean)
    .join(' or ');
}

interface GraphqlProblem {
  readonly type?: string;
  readonly message: string;
}

export function graphqlProblems(error: unknown): GraphqlProblem[] {
  const errors = (error as { errors?: unknown } | undefined)?.errors;
  if ((error as { name?: unknown })?.name !== 'GraphqlResponseError' || !Array.isArray(errors)) return [];
  return errors.map((entry) => ({ type: entry?.type, message: String(entry?.message ?? 'unknown error') }));
}
