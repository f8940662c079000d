/**
 * Issues as an alert channel: find the one open issue of a kind (by label and a title marker), open it,
 * update its body, comment, close it. GitHub and GitLab implement it in their own files.
 */
import { TransientError, UserError } from '../../core/errors.ts';
import type { HttpClient, Response } from '../http/client.ts';
import { isRetryableStatus, redact, retryForge } from './http.ts';

/** An issue as the tracker needs it. */
export interface TrackedIssue {
  /** GitHub `number`, GitLab `iid`. */
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly body: string;
}

/** One repository's issues. */
export interface IssueTracker {
  readonly kind: 'github' | 'gitlab';
  /** The open issue with this label whose title contains the marker, oldest first when several. */
  findOpen(label: string, marker: string): Promise<TrackedIssue | undefined>;
  open(title: string, body: string, labels: readonly string[]): Promise<TrackedIssue>;
  updateBody(issue: TrackedIssue, body: string): Promise<void>;
  comment(issue: TrackedIssue, body: string): Promise<void>;
  close(issue: TrackedIssue): Promise<void>;
}

/**
 * A JSON call through the shared HTTP client with the forge's retry rules: 408/429/5xx and network
 * faults are retried here (the client is asked for none), 401/403/404 are the user's to fix.
 */
export async function issueCall<T>(
  http: HttpClient,
  request: {
    url: string;
    method: string;
    headers: Record<string, string>;
    body?: unknown;
    what: string;
    token: string;
    permission: string;
  },
): Promise<{ body: T; headers: Response['headers'] }> {
  return retryForge(
    { attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 },
    async () => {
      let response: Response;
      try {
        response = await http.request(request.url, {
          method: request.method,
          headers: {
            accept: 'application/json',
            ...request.headers,
            ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
          timeoutMs: 30_000,
          retry: false,
        });
      } catch (error) {
        if (error instanceof UserError) throw error;
        throw new TransientError(`${request.what}: cannot reach ${new URL(request.url).origin}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const text = await response.text();
      if (response.ok) return { body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
      const detail = redact(text.slice(0, 200), request.token);
      if (isRetryableStatus(response.status)) throw new TransientError(`${request.what}: HTTP ${response.status}: ${detail}`);
      if (response.status === 401)
        throw new UserError(`token: ${request.what} was refused (401): the token is missing, expired or wrong.`, { input: 'token' });
      if (response.status === 403 || response.status === 404) {
        throw new UserError(
          `token: ${request.what} was refused (${response.status}: ${detail}); the token needs ${request.permission} on the repository.`,
          { input: 'token' },
        );
      }
      throw new UserError(`repo: ${request.what} failed (HTTP ${response.status}: ${detail}).`, { input: 'repo' });
    },
    (error) => ({ retry: error instanceof TransientError }),
  );
}
