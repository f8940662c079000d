import { type IncomingMessage, STATUS_CODES, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test server received, as the client sent it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without query, percent-encoding kept (`/projects/group%2Fenv/merge_requests`). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON or form body; the raw text for anything else; undefined when empty. */
  readonly body: unknown;
}

/** A fault the server answers instead of the API, as a proxy or a failing backend would. */
export interface Fault {
  readonly method?: string;
  /** Matches the request path (exact string or pattern); any path when omitted. */
  readonly path?: string | RegExp;
  /** Status to answer with; default 502. */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Body to answer with: JSON for objects, as-is for strings. */
  readonly body?: unknown;
  /** Close the connection without answering (a network fault). */
  readonly drop?: boolean;
  /** How many matching requests it takes; default 1. */
  readonly times?: number;
}

/** What a route answers. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A route handler: the parsed request in, a reply out. */
export type Handler = (request: RecordedRequest, url: URL) => Reply | Promise<Reply>;

/** Runs before each request is answered; lets a test change state mid-scenario (another job, a race). */
export type RequestHook = (request: RecordedRequest) => void | Promise<void>;

/** A running JSON test server. */
export interface JsonServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Queues a fault; the next matching request(s) get it instead of the API's answer. */
  fail(fault: Fault): void;
  /** Adds a hook run before every request (after recording it). */
  onRequest(hook: RequestHook): void;
  stop(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 with an ephemeral port that answers through `handler`. */
export async function startJsonServer(handler: Handler, baseHeaders: Record<string, string> = {}): Promise<JsonServer> {
  const requests: RecordedRequest[] = [];
  const faults: { fault: Fault; left: number }[] = [];
  const hooks: RequestHook[] = [];
  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { message: String(error) } }, baseHeaders);
    });
  });
  let origin = '';
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const request = await readRequest(req, url);
    requests.push(request);
    for (const hook of hooks) await hook(request);
    const fault = takeFault(faults, request);
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    const reply = fault ? faultReply(fault) : await handler(request, url);
    send(res, reply, baseHeaders);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    fail: (fault) => faults.push({ fault, left: fault.times ?? 1 }),
    onRequest: (hook) => hooks.push(hook),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readRequest(req: IncomingMessage, url: URL): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { ...req.headers },
    body: parseBody(text, String(req.headers['content-type'] ?? '')),
  };
}

function parseBody(text: string, contentType: string): unknown {
  if (!text) return undefined;
  if (contentType.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function takeFault(faults: { fault: Fault; left: number }[], request: RecordedRequest): Fault | undefined {
  const entry = faults.find(({ fault, left }) => {
    if (left <= 0) return false;
    if (fault.method && fault.method.toUpperCase() !== request.method) return false;
    if (fault.path === undefined) return true;
    return typeof fault.path === 'string' ? fault.path === request.path : fault.path.test(request.path);
  });
  if (!entry) return undefined;
  entry.left -= 1;
  return entry.fault;
}

function faultReply(fault: Fault): Reply {
  const status = fault.status ?? 502;
  const body = fault.body ?? (status >= 500 ? `<html><body><h1>${status} ${STATUS_CODES[status] ?? ''}</h1></body></html>` : undefined);
  const headers = { ...(typeof body === 'string' ? { 'content-type': 'text/html' } : {}), ...fault.headers };
  return { status, body, headers };
}

function send(res: ServerResponse, reply: Reply, baseHeaders: Record<string, string>): void {
  const isText = typeof reply.body === 'string';
  const payload = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
  const headers: Record<string, string> = { ...baseHeaders, ...reply.headers };
  if (payload && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  res.writeHead(reply.status, { ...headers, 'content-length': String(Buffer.byteLength(payload)) });
  res.end(payload);
}

/** One page of a listing, with what the pagination headers need. */
export interface Page<T> {
  readonly items: T[];
  readonly page: number;
  readonly perPage: number;
  readonly totalPages: number;
}

/** Cuts `items` to the page `url` asks for (`page`, `per_page`), with the API's default and maximum page size. */
export function pageOf<T>(items: readonly T[], url: URL, defaultPerPage: number, maxPerPage = 100): Page<T> {
  const perPage = clamp(Number(url.searchParams.get('per_page') ?? defaultPerPage), 1, maxPerPage, defaultPerPage);
  const page = clamp(Number(url.searchParams.get('page') ?? 1), 1, Number.MAX_SAFE_INTEGER, 1);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  return { items: items.slice((page - 1) * perPage, page * perPage), page, perPage, totalPages };
}

/**
 * An RFC 8288 `Link` header for a page: the request URL with `page` replaced. `rels` lists which
 * relations to emit, in order (GitHub: prev, next, last, first; GitLab: prev, next, first, last).
 * GitHub leaves out `first`/`last` on the first/last page; GitLab always sends them (`alwaysEnds`).
 */
export function linkHeader(
  url: URL,
  page: Page<unknown>,
  rels: readonly ('prev' | 'next' | 'first' | 'last')[],
  alwaysEnds = false,
): string {
  const target = { prev: page.page - 1, next: page.page + 1, first: 1, last: page.totalPages };
  const show = {
    prev: page.page > 1,
    next: page.page < page.totalPages,
    first: alwaysEnds || page.page > 1,
    last: alwaysEnds || page.page < page.totalPages,
  };
  return rels
    .filter((rel) => show[rel])
    .map((rel) => {
      const link = new URL(url);
      link.searchParams.set('page', String(target[rel]));
      return `<${link}>; rel="${rel}"`;
    })
    .join(', ');
}

function clamp(value: number, min: number, max: number, fallback: number): number {
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

/** The time as the APIs print it: ISO 8601 in UTC without milliseconds (GitHub) or with (GitLab). */
export function timestamp(date: Date, withMillis = false): string {
  const iso = date.toISOString();
  return withMillis ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}
