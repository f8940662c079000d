import { homedir } from 'node:os';
import {
  type AuthEntry,
  type AuthFile,
  type AuthFileLocation,
  authFileLocations,
  decodeAuthEntry,
  findAuthEntry,
  findHelper,
  helperServerUrl,
  readAuthFile,
  registryHost,
} from './auth-files.ts';
import { type HelperAnswer, runCredentialHelper } from './credential-helper.ts';

/** Credentials for one registry, and where they came from. */
export interface RegistryCredential {
  readonly username?: string;
  readonly password?: string;
  /** OAuth2 refresh token: docker config `identitytoken`, or a helper's `<token>` user. */
  readonly identityToken?: string;
  /** A bearer token to send as it is: docker config `registrytoken`. */
  readonly registryToken?: string;
  /** For messages: `the username/password inputs`, `~/.docker/config.json (auths["ghcr.io"])`. */
  readonly source: string;
}

/** Credentials given directly (step inputs). They are only ever sent to the registry they name. */
export interface ExplicitCredential {
  /** Registry host (`ghcr.io`, `localhost:5000`, `docker.io`). */
  readonly registry: string;
  readonly username: string;
  readonly password: string;
  /** How to name them in messages; default `the username/password inputs`. */
  readonly source?: string;
}

/** Where credentials are looked for. */
export interface CredentialOptions {
  readonly credentials?: readonly ExplicitCredential[];
  /** Environment to read (`DOCKER_CONFIG`, `REGISTRY_AUTH_FILE`, `CI_REGISTRY*`, `PATH` for helpers). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for `~/.docker` and `~/.config`; default the user's. */
  readonly home?: string;
}

/** The outcome of a lookup: the credential found, if any, and every place that was looked at. */
export interface CredentialLookup {
  readonly credential?: RegistryCredential;
  readonly searched: readonly string[];
}

/**
 * Finds credentials for a repository, first match wins: explicit inputs; the credentials files
 * ({@link authFileLocations}: per file `credHelpers`/`credsStore` through `docker-credential-*`, then
 * `auths`); GitLab's `CI_REGISTRY_USER`/`CI_REGISTRY_PASSWORD` for the host in `CI_REGISTRY`. Results
 * are memoised per repository and helper answers per server, so a helper runs once per host.
 */
export class CredentialResolver {
  readonly #options: CredentialOptions;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #cache = new Map<string, Promise<CredentialLookup>>();
  readonly #files = new Map<string, Promise<AuthFile | undefined>>();
  readonly #helpers = new Map<string, Promise<HelperAnswer | undefined>>();

  constructor(options: CredentialOptions = {}) {
    this.#options = options;
    this.#env = options.env ?? process.env;
  }

  /** Credentials for `registry/repository`, or none with the list of places searched. */
  resolve(registry: string, repository: string): Promise<CredentialLookup> {
    const key = `${registryHost(registry)}/${repository}`;
    let lookup = this.#cache.get(key);
    if (!lookup) {
      lookup = this.#lookup(registry, repository);
      this.#cache.set(key, lookup);
      lookup.catch(() => this.#cache.delete(key));
    }
    return lookup;
  }

  async #lookup(registry: string, repository: string): Promise<CredentialLookup> {
    const searched: string[] = [];
    const explicit = this.#explicit(registry, searched);
    if (explicit) return { credential: explicit, searched };
    const home = this.#options.home ?? homedir();
    for (const location of authFileLocations(this.#env, home)) {
      const found = await this.#readFile(location);
      searched.push(found ? location.path : `${location.path} (absent)`);
      const credential = found && (await this.#fromFile(found, registry, repository));
      if (credential) return { credential, searched };
    }
    const gitlab = this.#gitlab(registry, searched);
    return gitlab ? { credential: gitlab, searched } : { searched };
  }

  #readFile(location: AuthFileLocation): Promise<AuthFile | undefined> {
    let file = this.#files.get(location.path);
    if (!file) {
      file = readAuthFile(location);
      this.#files.set(location.path, file);
    }
    return file;
  }

  /** One helper call per helper and server, however many repositories ask. */
  #askHelper(name: string, serverUrl: string, configured: string): Promise<HelperAnswer | undefined> {
    const key = `${name}\n${serverUrl}`;
    let answer = this.#helpers.get(key);
    if (!answer) {
      answer = runCredentialHelper(name, serverUrl, this.#env, configured);
      this.#helpers.set(key, answer);
    }
    return answer;
  }

  #explicit(registry: string, searched: string[]): RegistryCredential | undefined {
    const host = registryHost(registry);
    const given = this.#options.credentials ?? [];
    if (given.length > 0) searched.push('the username/password inputs');
    const match = given.find((entry) => registryHost(entry.registry) === host && (entry.username || entry.password));
    if (!match) return undefined;
    return { username: match.username, password: match.password, source: match.source ?? 'the username/password inputs' };
  }

  async #fromFile(file: AuthFile, registry: string, repository: string): Promise<RegistryCredential | undefined> {
    const helper = findHelper(file, registry);
    if (helper) {
      const configured = `${file.path} (${helper.via})`;
      const answer = await this.#askHelper(helper.name, helperServerUrl(registry), configured);
      if (answer) return { ...answer, source: `${configured} via docker-credential-${helper.name}` };
    }
    const found = findAuthEntry(file, registry, repository);
    return found && fromEntry(found.entry, `${file.path} (auths["${found.key}"])`);
  }

  #gitlab(registry: string, searched: string[]): RegistryCredential | undefined {
    const ciRegistry = this.#env.CI_REGISTRY;
    if (!ciRegistry) return undefined;
    searched.push(`GitLab CI_REGISTRY (${ciRegistry})`);
    if (registryHost(ciRegistry) !== registryHost(registry)) return undefined;
    const username = this.#env.CI_REGISTRY_USER;
    const password = this.#env.CI_REGISTRY_PASSWORD;
    if (!username || !password) {
      searched[searched.length - 1] += ' with CI_REGISTRY_USER or CI_REGISTRY_PASSWORD empty';
      return undefined;
    }
    return { username, password, source: 'GitLab CI_REGISTRY_USER/CI_REGISTRY_PASSWORD' };
  }
}

/** A credential from an `auths` entry, or `undefined` when the entry holds none (e.g. `{}`). */
function fromEntry(entry: AuthEntry, source: string): RegistryCredential | undefined {
  if (typeof entry.registrytoken === 'string' && entry.registrytoken) return { registryToken: entry.registrytoken, source };
  const { username, password } = decodeAuthEntry(entry);
  if (typeof entry.identitytoken === 'string' && entry.identitytoken) {
    return { ...(username ? { username } : {}), identityToken: entry.identitytoken, source };
  }
  if (!username && !password) return undefined;
  return { ...(username ? { username } : {}), ...(password ? { password } : {}), source };
}
