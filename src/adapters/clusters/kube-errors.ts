/**
 * How Kubernetes API failures become Baton's errors. The API answers failures with a `Status` object
 * (`reason`: NotFound, Forbidden, Unauthorized, …); 401 and 403 are configuration (the kubeconfig's
 * credentials, the user's RBAC) and stop the step with exit 2; everything else may pass, and the runner
 * looks again at the next interval.
 */
import { TransientError, UserError } from '../../core/errors.ts';

/** A failed API call: the HTTP status and the `Status` object's reason and message. */
export class KubeApiError extends TransientError {
  override name = 'KubeApiError';
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

/** A `metav1.Status` as the API server sends it with a failure. */
interface StatusObject {
  readonly kind?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
}

function statusOf(body: string): StatusObject | undefined {
  try {
    const parsed = JSON.parse(body) as StatusObject;
    return parsed && parsed.kind === 'Status' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Where a failure happened, for messages. */
export interface CallSite {
  readonly server: string;
  readonly context: string;
  readonly path: string;
}

/** The error for a non-2xx answer. */
export function apiFailure(status: number, body: string, site: CallSite): Error {
  const parsed = statusOf(body);
  const message = parsed?.message || body.trim().slice(0, 200) || `HTTP ${status}`;
  if (status === 401) {
    return new UserError(
      `kubeconfig: the API server at ${site.server} rejected the credentials of context "${site.context}" (401 ` +
        `${parsed?.reason ?? 'Unauthorized'}); renew the token or check the exec plugin.`,
      { input: 'kubeconfig' },
    );
  }
  if (status === 403) {
    // The cause keeps the status, so a caller that reads many kinds can report one denied kind and go on.
    return new UserError(`kubeconfig: ${message} (403 Forbidden); grant the user of context "${site.context}" get, list and watch on it.`, {
      input: 'kubeconfig',
      cause: new KubeApiError(403, parsed?.reason ?? 'Forbidden', message),
    });
  }
  return new KubeApiError(status, parsed?.reason ?? '', `${site.path}: ${message} (HTTP ${status})`);
}

/** The error for a request that got no answer: TLS problems are configuration, the rest may pass. */
export function transportFailure(error: unknown, site: CallSite): Error {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as NodeJS.ErrnoException)?.code ?? '';
  const detail = cause?.message ?? (error instanceof Error ? error.message : String(error));
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new UserError(
      `kubeconfig: the API server at ${site.server} has a certificate the kubeconfig does not trust (${code}: ${detail}).`,
      {
        input: 'kubeconfig',
        cause: error,
      },
    );
  }
  return new TransientError(`cannot reach the API server at ${site.server}: ${detail}${code ? ` (${code})` : ''}`, { cause: error });
}

/** True for an answer that says the caller may not do this (RBAC). */
export function isForbidden(error: unknown): boolean {
  return error instanceof UserError && error.cause instanceof KubeApiError && error.cause.status === 403;
}

/** True for an answer that says the object does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}
