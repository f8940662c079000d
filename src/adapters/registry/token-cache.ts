/** What a token server granted, as cached. */
interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** Where a cached token belongs: one realm, service, set of scopes and account. */
export interface TokenKey {
  readonly realm: string;
  readonly service: string | undefined;
  readonly scopes: readonly string[];
  /** The account the token was issued to (`''` for anonymous), so two identities never share one. */
  readonly account: string;
}

/** How the cache tells time and how early it lets tokens go. */
export interface TokenCacheOptions {
  /** Milliseconds since the epoch; replaceable in tests. */
  readonly now?: () => number;
  /** Forget a token this long before it expires, so a request never starts with a dying token. */
  readonly leewayMs?: number;
}

/**
 * The Docker token spec lets `expires_in` be left out, in which case the token lasts 60 seconds
 * ("Token Response Fields").
 */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;

/**
 * Bearer tokens by realm, service, scopes and account, until shortly before they expire. One token
 * per scope set: a `pull` request never borrows a `push,pull` token or the other way round, which
 * keeps the scope a failed request asked for exact in messages.
 */
export class TokenCache {
  readonly #entries = new Map<string, CachedToken>();
  readonly #now: () => number;
  readonly #leewayMs: number;

  constructor(options: TokenCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#leewayMs = options.leewayMs ?? 5_000;
  }

  /** The cache key for a token: stable whatever order the scopes came in. */
  static keyOf(key: TokenKey): string {
    return JSON.stringify([key.realm, key.service ?? '', [...key.scopes].sort(), key.account]);
  }

  /** A token still valid for `key`, if one is cached. */
  get(key: TokenKey): string | undefined {
    const id = TokenCache.keyOf(key);
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (this.#now() >= entry.expiresAt) {
      this.#entries.delete(id);
      return undefined;
    }
    return entry.token;
  }

  /**
   * Stores a token for `expiresInSeconds` (default 60). The local clock starts the lifetime rather than
   * the server's `issued_at`, so clock skew between runner and token server cannot make a fresh token
   * look expired or an old one look valid.
   */
  set(key: TokenKey, token: string, expiresInSeconds?: number): void {
    const lifetime = expiresInSeconds && expiresInSeconds > 0 ? expiresInSeconds : DEFAULT_TOKEN_LIFETIME_SECONDS;
    const leeway = Math.min(this.#leewayMs, (lifetime * 1000) / 10);
    this.#entries.set(TokenCache.keyOf(key), { token, expiresAt: this.#now() + lifetime * 1000 - leeway });
  }

  /** Forgets the token for `key` (after the registry refused it). */
  delete(key: TokenKey): void {
    this.#entries.delete(TokenCache.keyOf(key));
  }

  /** How many tokens are cached (expired ones included until looked up). */
  get size(): number {
    return this.#entries.size;
  }
}
