/**
 * The transport every HTTP caller shares: an undici dispatcher with time limits, the proxy variables CI
 * runners set and the trust Baton was given. Node's own fetch honours none of the proxy variables (and
 * has no per-request CA), so callers go through this dispatcher instead.
 */
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { type Dispatcher, EnvHttpProxyAgent } from 'undici';
import { UserError } from '../../core/errors.ts';

/** How long to wait for a TCP/TLS connection; undici's own default. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * How long a server may stay silent: before the response headers arrive, and between two chunks of
 * the body. undici's default is 300 s, which holds a CI step for five minutes on a server that accepted
 * the connection and hung.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** Environment variables, read for the proxy settings. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Time limits, proxies and trust of one dispatcher. */
export interface TransportOptions {
  /** Limit for establishing a connection (TCP and TLS); default {@link DEFAULT_CONNECT_TIMEOUT_MS}. */
  readonly connectTimeoutMs?: number;
  /** Limit for silence from the server (headers, then between body chunks); default {@link DEFAULT_IDLE_TIMEOUT_MS}. */
  readonly idleTimeoutMs?: number;
  /**
   * CA certificates (PEM) trusted on top of the system store and `NODE_EXTRA_CA_CERTS` (which Node
   * already adds to the default store for the whole process).
   */
  readonly ca?: readonly string[];
  /** A PEM file of CA certificates, read once, trusted like {@link ca}. */
  readonly caFile?: string;
  /** A client certificate and key (PEM), for servers that ask for one. */
  readonly cert?: string;
  readonly key?: string;
  /** Skip certificate checks: only for a host the user named insecure. */
  readonly insecure?: boolean;
  /**
   * Where `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (and their lower-case forms, which win as in curl)
   * are read; default `process.env`.
   */
  readonly env?: Env;
}

/** The proxy settings in `env`: empty strings mean none (so undici does not fall back to `process.env`). */
export function proxySettings(env: Env): { httpProxy: string; httpsProxy: string; noProxy: string } {
  const pick = (name: string) => env[name.toLowerCase()] ?? env[name.toUpperCase()] ?? '';
  return { httpProxy: pick('http_proxy'), httpsProxy: pick('https_proxy'), noProxy: pick('no_proxy') };
}

/** The default trust store: the bundled roots, the system's when Node uses it, and `NODE_EXTRA_CA_CERTS`. */
export function defaultCaCertificates(): string[] {
  const withExtra = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  return withExtra ? withExtra('default') : [...tls.rootCertificates];
}

function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`the CA certificate file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, {
      cause: error,
    });
  }
}

/** The TLS options of a connection, direct or tunnelled through a proxy. */
function tlsOptions(options: TransportOptions, connectTimeoutMs: number): tls.ConnectionOptions & { timeout: number } {
  const extra = [...(options.ca ?? []), ...(options.caFile ? [readCaFile(options.caFile)] : [])];
  return {
    timeout: connectTimeoutMs,
    // Why: passing `ca` replaces the default store; a private CA is added to it instead.
    ...(extra.length > 0 ? { ca: [...defaultCaCertificates(), ...extra] } : {}),
    ...(options.cert && options.key ? { cert: options.cert, key: options.key } : {}),
    ...(options.insecure ? { rejectUnauthorized: false } : {}),
  };
}

/**
 * A dispatcher with the given limits, trust and the proxies of `env`: requests to hosts in `NO_PROXY`
 * connect directly, others through `HTTPS_PROXY`/`HTTP_PROXY` (an HTTPS target through a CONNECT
 * tunnel, verified with the same trust as a direct connection).
 */
export function createDispatcher(options: TransportOptions = {}): Dispatcher {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const target = tlsOptions(options, connectTimeoutMs);
  return new EnvHttpProxyAgent({
    ...proxySettings(options.env ?? process.env),
    connect: target,
    requestTls: target,
    proxyTls: { timeout: connectTimeoutMs },
    headersTimeout: idleTimeoutMs,
    bodyTimeout: idleTimeoutMs,
  });
}
