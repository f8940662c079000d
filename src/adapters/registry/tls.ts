import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { createDispatcher, type TransportOptions } from '../http/dispatcher.ts';

/** How Baton trusts registries; the time limits and proxies are the shared client's (../http/dispatcher.ts). */
export interface TlsOptions extends Pick<TransportOptions, 'connectTimeoutMs' | 'idleTimeoutMs' | 'env'> {
  /**
   * Directories in the containers `certs.d` layout searched before the system ones: `<dir>/<host[:port]>/`
   * holding `*.crt` CA certificates and `*.cert`/`*.key` client certificate pairs.
   */
  readonly certsDirs?: readonly string[];
  /**
   * The system `certs.d` directories; default `~/.config/containers/certs.d`, `/etc/containers/certs.d`,
   * `/etc/docker/certs.d` (containers-certs.d(5), docker "Verify repository client with certificates").
   */
  readonly systemCertsDirs?: readonly string[];
  /**
   * Registries (`host` or `host:port`) that may be reached over plain HTTP, or over HTTPS without
   * verifying the certificate. Nothing else is ever.
   */
  readonly insecureRegistries?: readonly string[];
}

/** What a `certs.d/<host>` directory holds. */
interface HostCerts {
  readonly ca: string[];
  readonly cert?: string;
  readonly key?: string;
}

/** The default system `certs.d` directories (see {@link TlsOptions.systemCertsDirs}). */
export function defaultCertsDirs(home = homedir()): string[] {
  return [join(home, '.config', 'containers', 'certs.d'), '/etc/containers/certs.d', '/etc/docker/certs.d'];
}

/**
 * One dispatcher per registry host, built from its `certs.d` entry by the shared transport (time limits,
 * proxy variables). Node already trusts `NODE_EXTRA_CA_CERTS` for the whole process; a per-host CA is
 * added on top of the default store.
 */
export class Dispatchers {
  readonly #options: TlsOptions;
  readonly #agents = new Map<string, Promise<Dispatcher>>();

  constructor(options: TlsOptions = {}) {
    this.#options = options;
  }

  /** True when `host` (`host` or `host:port`) was named insecure. */
  isInsecure(host: string): boolean {
    const wanted = host.toLowerCase();
    const bare = wanted.replace(/:\d+$/, '');
    return (this.#options.insecureRegistries ?? []).some((entry) => {
      const name = entry
        .toLowerCase()
        .replace(/^[a-z]+:\/\//, '')
        .replace(/\/.*$/, '');
      return name === wanted || (!/:\d+$/.test(name) && name === bare);
    });
  }

  /** The dispatcher for a URL's host, created on first use. */
  for(url: URL): Promise<Dispatcher> {
    const key = `${url.protocol}//${url.host}`;
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = this.#create(url);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  async #create(url: URL): Promise<Dispatcher> {
    const { connectTimeoutMs, idleTimeoutMs, env } = this.#options;
    const transport: TransportOptions = {
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
      ...(env === undefined ? {} : { env }),
    };
    if (url.protocol !== 'https:') return createDispatcher(transport);
    const certs = await this.#hostCerts(url.host);
    return createDispatcher({
      ...transport,
      ca: certs.ca,
      ...(certs.cert && certs.key ? { cert: certs.cert, key: certs.key } : {}),
      insecure: this.isInsecure(url.host),
    });
  }

  async #hostCerts(host: string): Promise<HostCerts> {
    const dirs = [...(this.#options.certsDirs ?? []), ...(this.#options.systemCertsDirs ?? defaultCertsDirs())];
    const ca: string[] = [];
    let pair: { cert: string; key: string } | undefined;
    for (const dir of dirs) {
      const found = await readHostDir(join(dir, host));
      ca.push(...found.ca);
      if (!pair && found.cert && found.key) pair = { cert: found.cert, key: found.key };
    }
    return { ca, ...pair };
  }

  /** Closes every connection; the client is unusable afterwards. */
  async close(): Promise<void> {
    const agents = await Promise.allSettled(this.#agents.values());
    this.#agents.clear();
    await Promise.all(agents.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
  }
}

/** Reads `*.crt` (CAs) and the first `*.cert` with its `*.key` from one `certs.d/<host>` directory. */
async function readHostDir(dir: string): Promise<HostCerts> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return { ca: [] };
  }
  const ca = await Promise.all(names.filter((name) => name.endsWith('.crt')).map((name) => readFile(join(dir, name), 'utf8')));
  const certName = names.find((name) => name.endsWith('.cert') && names.includes(name.replace(/\.cert$/, '.key')));
  if (!certName) return { ca };
  const [cert, key] = await Promise.all([
    readFile(join(dir, certName), 'utf8'),
    readFile(join(dir, certName.replace(/\.cert$/, '.key')), 'utf8'),
  ]);
  return { ca, cert, key };
}
