import { UserError } from '../../core/errors.ts';
import type { HttpResponse } from './http.ts';

/** Reads a whole body into memory, refusing more than `limit` bytes (manifests, tag lists). */
export async function readBodyLimited(response: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      response.body.destroy();
      throw new UserError(`could not ${what}: the answer is larger than ${limit} bytes.`);
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/**
 * The next page from a `Link: <…?last=x&n=y>; rel="next"` header (distribution spec, "Listing Tags",
 * RFC 8288). The link must stay on the same origin: the next request carries the registry's
 * credentials.
 */
export function nextPageUrl(link: string | undefined, current: URL): URL | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match || !/;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(match[2]!)) continue;
    const next = new URL(match[1]!, current);
    if (next.origin !== current.origin) {
      throw new UserError(`${current.host} sent a tag page link to another origin (${next.origin}); refusing to follow.`);
    }
    return next;
  }
  return undefined;
}
