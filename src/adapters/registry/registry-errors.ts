import { UserError } from '../../core/errors.ts';
import { findChallenge, parseChallenges } from './challenge.ts';
import type { RegistryCredential } from './credentials.ts';
import { discard, type HttpResponse, header, isRetriableStatus, parseRetryAfter, RetriableError } from './http.ts';

/** One entry of a registry's error body (distribution spec, "Error Codes"). */
export interface RegistryErrorEntry {
  readonly code: string;
  readonly message: string;
}

/** What was being done when a request failed, for a message that says what to fix. */
export interface FailureContext {
  /** Registry host as the user wrote it (`docker.io`, `ghcr.io`). */
  readonly registry: string;
  readonly repository: string;
  /** `pull` or `push`: the access the request needed. */
  readonly access: 'pull' | 'push';
  /** What was being done, as a phrase after "could not": `pull the manifest of ghcr.io/a/b:1`. */
  readonly what: string;
  readonly credential?: RegistryCredential;
  /** Every place credentials were looked for. */
  readonly searched: readonly string[];
  /** The token scopes asked for, when the registry uses Bearer tokens. */
  readonly scopes: readonly string[];
}

/** The image, tag, digest or repository does not exist. A {@link UserError}: the name is wrong. */
export class NotFoundError extends UserError {
  override name = 'NotFoundError';
}

/** True when `error` says the thing asked for does not exist. */
export function isNotFound(error: unknown): error is NotFoundError {
  return error instanceof NotFoundError;
}

/** Reads `{"errors":[{code,message}]}` from a failed response (empty for HEAD or other bodies). */
export async function readErrors(response: HttpResponse): Promise<RegistryErrorEntry[]> {
  let text = '';
  try {
    text = await response.body.text();
  } catch {
    await discard(response);
  }
  try {
    const json = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    return (json.errors ?? []).map((entry) => ({ code: String(entry.code ?? ''), message: String(entry.message ?? '') }));
  } catch {
    return text.trim() ? [{ code: '', message: text.trim().slice(0, 200) }] : [];
  }
}

/** The error to throw for a response that did not succeed, after reading its body. */
export async function responseFailure(response: HttpResponse, ctx: FailureContext): Promise<Error> {
  const errors = await readErrors(response);
  return describeFailure(response, errors, ctx);
}

/** Builds the error for a failed response whose error body has been read. */
export function describeFailure(
  response: Pick<HttpResponse, 'status' | 'headers'>,
  errors: readonly RegistryErrorEntry[],
  ctx: FailureContext,
): Error {
  const { status } = response;
  const codes = new Set(errors.map((entry) => entry.code.toUpperCase()));
  const said = errors.map((entry) => [entry.code, entry.message].filter(Boolean).join(': ')).join('; ');
  const detail = said ? ` (${said})` : '';
  if (isRetriableStatus(status) || codes.has('TOOMANYREQUESTS')) {
    const retryAfterMs = parseRetryAfter(header(response, 'retry-after'));
    return new RetriableError(`${ctx.registry} answered ${status}${detail}; could not ${ctx.what}.`, {
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  const bearer = findChallenge(parseChallenges(response.headers['www-authenticate']), 'bearer');
  if (status === 403 || codes.has('DENIED') || bearer?.params.error === 'insufficient_scope') return denied(ctx, detail);
  if (status === 401 || codes.has('UNAUTHORIZED')) return unauthorized(ctx, detail);
  if (codes.has('NAME_UNKNOWN')) {
    return new NotFoundError(`could not ${ctx.what}: repository ${ctx.registry}/${ctx.repository} does not exist. Check the image name.`);
  }
  if (status === 404)
    return new NotFoundError(`could not ${ctx.what}: it does not exist on ${ctx.registry}${detail}. Check the name, tag or digest.`);
  return invalid(status, codes, detail, ctx);
}

function invalid(status: number, codes: Set<string>, detail: string, ctx: FailureContext): UserError {
  if (codes.has('TAG_INVALID')) {
    return new UserError(
      `could not ${ctx.what}: ${ctx.registry} refused the tag${detail}. Use a tag the registry accepts (it may be immutable).`,
    );
  }
  if (codes.has('MANIFEST_BLOB_UNKNOWN') || codes.has('BLOB_UNKNOWN') || codes.has('MANIFEST_UNKNOWN')) {
    return new UserError(
      `could not ${ctx.what}: ${ctx.registry} is missing content the manifest refers to${detail}. Push the blobs first.`,
    );
  }
  return new UserError(`could not ${ctx.what}: ${ctx.registry} answered ${status}${detail}.`);
}

function unauthorized(ctx: FailureContext, detail: string): UserError {
  if (ctx.credential) {
    return new UserError(
      `could not ${ctx.what}: ${ctx.registry} rejected the credentials from ${ctx.credential.source}${detail}. ` +
        `Check that the user name and password or token are right and not expired.`,
    );
  }
  return new UserError(
    `could not ${ctx.what}: ${ctx.registry} needs credentials and none were found` +
      ` (looked in: ${ctx.searched.join(', ') || 'nothing'}). Pass username and password, or log in with \`docker login ${ctx.registry}\`.`,
  );
}

function denied(ctx: FailureContext, detail: string): UserError {
  const scope = ctx.scopes.length > 0 ? ` (token scope "${ctx.scopes.join(' ')}" was not granted)` : '';
  if (!ctx.credential) {
    return new UserError(
      `could not ${ctx.what}: ${ctx.registry} does not allow anonymous ${ctx.access} access to ${ctx.repository}${scope}${detail}, ` +
        `and no credentials were found (looked in: ${ctx.searched.join(', ') || 'nothing'}). ` +
        `Pass username and password, or log in with \`docker login ${ctx.registry}\`.`,
    );
  }
  return new UserError(
    `could not ${ctx.what}: ${ctx.registry} denied ${ctx.access} access to ${ctx.repository} for the credentials from ` +
      `${ctx.credential.source}${scope}${detail}. Give that account ${ctx.access} access to ${ctx.repository}, or use credentials ` +
      `that have it.`,
  );
}
