import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';

/** What the proxy does with one request: answer it itself, cut the connection, or pass it on. */
export type Fault =
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  | 'drop'
  | 'drop-mid-body'
  | undefined;

/** One request the proxy saw. */
export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  /** The status sent back, or `-1` when the connection was dropped. */
  status: number;
  /** Request body bytes the proxy received (counted for requests it passes on). */
  requestBytes: number;
  /** Response body bytes the proxy passed back from the registry. */
  responseBytes: number;
}

/** True for a request that carries blob content: an upload `PATCH`/`PUT`, or a blob `GET`. */
export function isBlobTransfer(entry: Pick<ProxiedRequest, 'method' | 'url'>): boolean {
  const path = entry.url.split('?')[0] ?? '';
  if (entry.method === 'GET') return /\/blobs\/sha256:[0-9a-f]{64}$/.test(path);
  return (entry.method === 'PUT' || entry.method === 'PATCH') && /\/blobs\/uploads\/[^/]+$/.test(path);
}

/**
 * Blob bytes that went through the proxy in these requests: bodies of blob `GET` answers and of
 * upload `PATCH`/`PUT` requests. Manifests, tokens and tag lists are not counted.
 */
export function blobBytes(entries: readonly ProxiedRequest[]): number {
  return entries
    .filter(isBlobTransfer)
    .reduce((sum, entry) => sum + (entry.method === 'GET' ? entry.responseBytes : entry.requestBytes), 0);
}

/** A running proxy. */
export interface RegistryProxy {
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  readonly url: string;
  readonly requests: ProxiedRequest[];
  /** Decides per request; `undefined` passes it through. */
  fault: (req: IncomingMessage, seen: number) => Fault;
  stop(): Promise<void>;
}

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  entry: ProxiedRequest,
  rewrite?: (res: IncomingMessage) => Record<string, string | string[] | undefined>,
): void {
  // The Host header goes through unchanged, so the registry builds Location URLs that point back at
  // the proxy and uploads keep flowing through it.
  const upstream = request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      entry.status = answer.statusCode ?? 0;
      res.writeHead(answer.statusCode ?? 502, rewrite ? rewrite(answer) : answer.headers);
      answer.on('data', (chunk: Buffer) => (entry.responseBytes += chunk.length));
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.on('data', (chunk: Buffer) => (entry.requestBytes += chunk.length));
  req.pipe(upstream);
}

/**
 * Pages a tag list as the OCI distribution spec describes ("Listing Tags": lexical order, `n` and
 * `last`, a `Link: <…>; rel="next"` header while more remain). docker-registry 2.8 ignores `n`
 * (pagination came with distribution v3), so the proxy adds it on top of the full list.
 */
function paginateTags(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  entry: ProxiedRequest,
  etags = false,
  remember?: (etag: string) => void,
): void {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const upstream = request(
    { host: target.hostname, port: target.port, method: 'GET', path: url.pathname, headers: req.headers },
    (answer) => {
      let body = '';
      answer.on('data', (chunk: Buffer) => (body += chunk.toString()));
      answer.on('end', () => {
        entry.status = answer.statusCode ?? 0;
        if (answer.statusCode !== 200) {
          res.writeHead(answer.statusCode ?? 502, answer.headers).end(body);
          return;
        }
        const json = JSON.parse(body) as { name: string; tags: string[] | null };
        const last = url.searchParams.get('last');
        const n = Number(url.searchParams.get('n') ?? 0);
        const sorted = [...(json.tags ?? [])].sort().filter((tag) => last === null || tag > last);
        const page = n > 0 ? sorted.slice(0, n) : sorted;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (n > 0 && sorted.length > n) headers.link = `<${url.pathname}?last=${encodeURIComponent(page.at(-1)!)}&n=${n}>; rel="next"`;
        const text = JSON.stringify({ name: json.name, tags: page });
        if (etags) {
          // A strong validator of this page's representation (body and Link), as RFC 9110 §8.8.3 has it.
          headers.etag = `"${createHash('sha256')
            .update(text)
            .update(headers.link ?? '')
            .digest('hex')
            .slice(0, 32)}"`;
          remember?.(headers.etag);
          const wanted = req.headers['if-none-match'];
          if (wanted?.split(',').some((tag) => tag.trim() === headers.etag || tag.trim() === '*')) {
            entry.status = 304;
            const { 'content-type': _type, ...rest } = headers;
            res.writeHead(304, rest).end();
            return;
          }
        }
        entry.responseBytes += Buffer.byteLength(text);
        res.writeHead(200, headers).end(text);
      });
    },
  );
  upstream.on('error', () => res.destroy());
  upstream.end();
}

/**
 * An HTTP proxy in front of a plain-HTTP registry that can answer with an error, cut the connection
 * (at once, or after part of the request body), or pass requests through; it logs every request with
 * the body bytes it passed each way ({@link blobBytes} sums the blob content).
 */
export async function startRegistryProxy(
  targetUrl: string,
  options: {
    rewrite?: (res: IncomingMessage) => Record<string, string | string[] | undefined>;
    paginateTags?: boolean;
    /** With paginateTags: tag pages carry an ETag and answer `If-None-Match` with 304 (RFC 9110 §13.1.2). */
    etags?: boolean;
    /**
     * With etags: answer a matching `If-None-Match` from the validator given last time, without asking
     * the registry, until a manifest of that repository is written or deleted through the proxy (as a
     * registry that keeps its listing validators would). Only for the same Authorization as before.
     */
    rememberEtags?: boolean;
  } = {},
): Promise<RegistryProxy> {
  const target = new URL(targetUrl);
  const requests: ProxiedRequest[] = [];
  const proxy: { fault: RegistryProxy['fault'] } = { fault: () => undefined };
  const validators = new Map<string, { etag: string; authorization: string | undefined }>();
  const server = createServer((req, res) => {
    const entry: ProxiedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      status: 0,
      requestBytes: 0,
      responseBytes: 0,
    };
    requests.push(entry);
    const fault = proxy.fault(req, requests.length - 1);
    if (fault === 'drop') {
      entry.status = -1;
      req.socket.destroy();
    } else if (fault === 'drop-mid-body') {
      entry.status = -1;
      req.once('data', () => req.socket.destroy());
      req.once('end', () => req.socket.destroy());
    } else if (fault) {
      entry.status = fault.status;
      req.resume();
      res.writeHead(fault.status, fault.headers ?? {}).end(fault.body ?? '');
    } else if (options.paginateTags && req.method === 'GET' && /^\/v2\/.+\/tags\/list(\?|$)/.test(req.url ?? '')) {
      const url = req.url ?? '';
      const known = options.rememberEtags ? validators.get(url) : undefined;
      if (known && known.authorization === req.headers.authorization && req.headers['if-none-match'] === known.etag) {
        entry.status = 304;
        req.resume();
        res.writeHead(304, { etag: known.etag }).end();
        return;
      }
      const remember = options.rememberEtags
        ? (etag: string) => validators.set(url, { etag, authorization: req.headers.authorization })
        : undefined;
      paginateTags(req, res, target, entry, options.etags, remember);
    } else {
      const written = /^\/v2\/(.+)\/manifests\//.exec(req.url ?? '');
      if (written && (req.method === 'PUT' || req.method === 'DELETE')) {
        for (const key of validators.keys()) if (key.startsWith(`/v2/${written[1]}/tags/list`)) validators.delete(key);
      }
      forward(req, res, target, entry, options.rewrite);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return Object.assign(proxy, {
    host: `127.0.0.1:${address.port}`,
    url: `http://127.0.0.1:${address.port}`,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
