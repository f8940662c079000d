/** How a thrown network error is read: its codes, whether it may pass, and words for people. */
import { TransientError } from '../../core/errors.ts';

/** Certificate faults: the user's to fix (trust the CA), never retried. */
export const TLS_TRUST_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Faults that may pass on their own: resets, refusals, DNS hiccups and time limits. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** What the time-limit codes mean, for messages. */
const TIMEOUT_WORDS: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: 'could not connect within',
  UND_ERR_HEADERS_TIMEOUT: 'accepted the connection but sent no answer within',
  UND_ERR_BODY_TIMEOUT: 'stopped sending the answer for',
};

/** Error codes along the `cause` chain, outermost first. */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if (typeof current.code === 'string') codes.push(current.code);
    current = current.cause as typeof current;
  }
  return codes;
}

/** True for a network fault that may pass (see {@link NETWORK_CODES}). */
export function isNetworkError(error: unknown): boolean {
  return errorCodes(error).some((code) => NETWORK_CODES.has(code));
}

/** The innermost message of an error's `cause` chain (fetch's own is only "fetch failed"). */
function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  let current = error as { cause?: unknown } | undefined;
  for (let depth = 0; current?.cause instanceof Error && depth < 5; depth++) {
    message = current.cause.message;
    current = current.cause as { cause?: unknown };
  }
  return message;
}

/** A request that failed before an answer came: no connection, no answer in time, or a broken one. */
export class HttpNetworkError extends TransientError {
  override name = 'HttpNetworkError';
  /** The first error code along the cause chain (`UND_ERR_HEADERS_TIMEOUT`, `ECONNREFUSED`, …). */
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.code = code;
  }
}

/** Limits a message names when a request ran out of time. */
export interface TimeLimits {
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

/**
 * A readable sentence for a failed request, e.g. `GET https://host/x: the server accepted the
 * connection but sent no answer within 30000 ms (UND_ERR_HEADERS_TIMEOUT)`. `where` is already redacted.
 */
export function describeNetworkFailure(where: string, error: unknown, limits: TimeLimits): string {
  const codes = errorCodes(error);
  const timeout = codes.find((code) => code in TIMEOUT_WORDS);
  if (timeout) {
    const limit = timeout === 'UND_ERR_CONNECT_TIMEOUT' ? limits.connectTimeoutMs : limits.idleTimeoutMs;
    return `${where}: the server ${TIMEOUT_WORDS[timeout]} ${limit} ms (${timeout})`;
  }
  const name = (error as { name?: unknown })?.name;
  if (name === 'TimeoutError') return `${where}: no complete answer within the request's time limit`;
  const code = codes[0];
  return `${where}: ${innermostMessage(error)}${code ? ` (${code})` : ''}`;
}
