/**
 * GitLab's failures in words for people: which input to fix (token, repo, api-url), the role or scope
 * a call needs, when to try again; and which failures are worth another attempt.
 */
import { TransientError, UserError } from '../../core/errors.ts';
import { HttpNetworkError } from '../http/errors.ts';
import type { GitLabTokenType } from './gitlab-api.ts';
import {
  DEFAULT_FORGE_RETRY,
  DEFAULT_MAX_WAIT_MS,
  type ForgeRetryOptions,
  type HeaderLookup,
  type RetryVerdict,
  describeWait,
  isRetryableStatus,
  redact,
  serverWaitMs,
  shorten,
} from './http.ts';

/** What Baton was doing when a call failed, for messages. */
export interface Action {
  readonly doing: string;
  /** The API, for the job-token message; default the merge requests API. */
  readonly api?: string;
}

/** A non-2xx answer from the GitLab API. */
export class GitLabResponseError extends Error {
  override name = 'GitLabResponseError';
  readonly status: number;
  readonly headers: HeaderLookup;
  readonly data: unknown;
  constructor(status: number, headers: HeaderLookup, data: unknown) {
    super(`${status} ${gitlabMessage(data)}`);
    this.status = status;
    this.headers = headers;
    this.data = data;
  }
}

/** The project and token a {@link GitLabErrors} words its messages for. */
export interface GitLabErrorContext {
  readonly projectPath: string;
  readonly apiUrl: string;
  readonly tokenType: GitLabTokenType;
  /** Removed from every message. */
  readonly token: string;
  readonly retry: ForgeRetryOptions;
}

/** Turns GitLab's answers and network faults into Baton's errors. */
export class GitLabErrors {
  readonly #project: GitLabErrorContext;

  constructor(project: GitLabErrorContext) {
    this.#project = project;
  }

  /** The warning for auto-merge that could not be set, with why. */
  autoMergeWarning(mr: { readonly iid: number; readonly target_branch: string }, error: unknown): string {
    const prefix = `auto-merge was not set on merge request !${mr.iid}`;
    if (!(error instanceof GitLabResponseError)) return redact(`${prefix}: ${describeCause(error)}`, this.#project.token);
    const text = `${error.status} ${gitlabMessage(error.data)}`;
    const why: Record<number, string> = {
      401: `the token's user may not merge into ${mr.target_branch}`,
      405: 'GitLab does not allow it yet: the merge request has no running pipeline, is a draft, or is blocked by merge checks',
      406: 'the branch cannot be merged (conflicts)',
      409: 'the source branch moved while it was being set',
      422: 'the branch cannot be merged (conflicts or failed merge checks)',
    };
    const reason = why[error.status] ?? 'GitLab refused it';
    return redact(`${prefix} (${text}): ${reason}; it stays open for review`, this.#project.token);
  }

  /** The error to throw for a failed call: what went wrong, in terms of the input to fix. */
  failure(error: unknown, action: Action): Error {
    const safe = (message: string) => redact(message, this.#project.token);
    const where = `${action.doing} in ${this.#project.projectPath}`;
    if (!(error instanceof GitLabResponseError)) {
      return new TransientError(safe(`Could not reach the GitLab API at ${this.#project.apiUrl} to ${where}: ${describeCause(error)}`));
    }
    const text = `${error.status} ${gitlabMessage(error.data)}`;
    if (this.#project.tokenType === 'job' && (error.status === 401 || error.status === 404)) {
      return new UserError(
        safe(
          `token: GitLab does not accept CI_JOB_TOKEN for ${action.api ?? 'the merge requests API'} (${text} when trying to ` +
            `${where}); pass a project or group access token with the \`api\` scope and at least the Developer role as \`token\``,
        ),
        { input: 'token' },
      );
    }
    if (error.status === 401) {
      return new UserError(
        safe(
          `token: GitLab rejected the token (${text}) when trying to ${where}; set \`token\` to a valid, unexpired access token for ` +
            `${this.#project.apiUrl}`,
        ),
        { input: 'token' },
      );
    }
    if (error.status === 403) return this.#forbidden(error, where, text);
    if (error.status >= 300 && error.status < 400) return this.#redirected(error, where);
    if (error.status === 404) {
      return new UserError(
        safe(
          `repo: GitLab project ${this.#project.projectPath} was not found at ${this.#project.apiUrl}, or the token cannot see it ` +
            `(${text} when trying to ${action.doing}); check \`repo\` and that \`token\` has access to it`,
        ),
        { input: 'repo' },
      );
    }
    return this.#otherFailure(error, where, text);
  }

  #forbidden(error: GitLabResponseError, where: string, text: string): UserError {
    const data = error.data as { error?: unknown; scope?: unknown } | undefined;
    const message =
      data?.error === 'insufficient_scope'
        ? `token: the token lacks the \`${typeof data.scope === 'string' ? data.scope : 'api'}\` scope (${text} when trying to ` +
          `${where}); use an access token with the \`api\` scope`
        : `token: the token's user may not ${where} (${text}); it needs at least the Developer role on the project and an access token ` +
          `with the \`api\` scope`;
    return new UserError(redact(message, this.#project.token), { input: 'token' });
  }

  #redirected(error: GitLabResponseError, where: string): UserError {
    const location = error.headers.get('location') ?? 'elsewhere';
    const message =
      `api-url: the GitLab API at ${this.#project.apiUrl} redirects to ${location} (${error.status} when trying to ${where}); set ` +
      `\`api-url\` to the API's real address`;
    return new UserError(redact(message, this.#project.token), { input: 'api-url' });
  }

  #otherFailure(error: GitLabResponseError, where: string, text: string): Error {
    const safe = (message: string) => redact(message, this.#project.token);
    if (!isRetryableStatus(error.status)) return new Error(safe(`GitLab refused to ${where} (${text})`));
    const wait = serverWaitMs(error.headers, (this.#project.retry.now ?? Date.now)());
    const when = wait === undefined ? 'in a few minutes' : `in ${describeWait(wait)}`;
    if (error.status === 429) {
      return new TransientError(safe(`GitLab rate limit hit when trying to ${where} (${text}); try again ${when}`));
    }
    const attempts = this.#project.retry.attempts ?? DEFAULT_FORGE_RETRY.attempts;
    return new TransientError(
      safe(`GitLab API answered ${text} when trying to ${where}; gave up (up to ${attempts} attempts); try again ${when}`),
    );
  }
}

/** Whether a failed GitLab request may be tried again, and after how long. */
export function judgeGitLab(error: unknown, retry: ForgeRetryOptions = {}): RetryVerdict {
  if (!(error instanceof GitLabResponseError)) return { retry: isNetworkError(error) };
  if (!isRetryableStatus(error.status)) return { retry: false };
  const wait = serverWaitMs(error.headers, (retry.now ?? Date.now)());
  if (wait !== undefined && wait > (retry.maxWaitMs ?? DEFAULT_MAX_WAIT_MS)) return { retry: false };
  return { retry: true, ...(wait === undefined ? {} : { waitMs: wait }) };
}

function isNetworkError(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return error instanceof HttpNetworkError || name === 'TimeoutError' || name === 'AbortError';
}

/** GitLab's error text from any of its body shapes: `{message}`, `{message: [..]}`, `{message: {field: [..]}}`, `{error}`. */
export function gitlabMessage(data: unknown): string {
  if (typeof data === 'string') return shorten(data);
  if (typeof data !== 'object' || data === null) return '';
  const { message, error, error_description: description } = data as Record<string, unknown>;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'object' && message !== null) {
    return Object.entries(message)
      .map(([field, problems]) => `${field} ${Array.isArray(problems) ? problems.join(', ') : String(problems)}`)
      .join('; ');
  }
  if (typeof description === 'string') return description;
  return typeof error === 'string' ? error : '';
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && cause !== error.message ? `${error.message} (${cause})` : error.message;
}
