/**
 * Watches as wake-up calls. The runner polls; a watch only tells it to look now rather than at the next
 * interval, so a dropped or expired watch costs latency, never correctness. Watches restart from the
 * last resourceVersion seen, or from now after `410 Gone` (the version was compacted away).
 */
import type { KubeApi, Query, WatchEvent } from './kube-http.ts';

/** How long to wait before re-opening a watch the server closed or lost. */
const RESTART_DELAY_MS = 1000;

/** Re-opens without a single event in between after which a watch is given up (polling goes on). */
const MAX_IDLE_RESTARTS = 5;

/** One kept-open watch. */
interface Entry {
  readonly path: string;
  readonly query: Query;
  resourceVersion?: string;
  controller?: AbortController;
  timer?: NodeJS.Timeout;
  idleRestarts: number;
}

/** A set of watches that call `changed` on every event but bookmarks. */
export class WatchSet {
  readonly #api: KubeApi;
  readonly #changed: () => void;
  readonly #entries: Entry[] = [];
  #stopped = false;

  constructor(api: KubeApi, changed: () => void) {
    this.#api = api;
    this.#changed = changed;
  }

  /** Watches `path` (a collection) filtered by `query`, from `resourceVersion` when known. */
  add(path: string, query: Query, resourceVersion?: string): void {
    const entry: Entry = { path, query, idleRestarts: 0, ...(resourceVersion ? { resourceVersion } : {}) };
    this.#entries.push(entry);
    void this.#open(entry);
  }

  #onEvent(entry: Entry, event: WatchEvent): void {
    const version = (event.object['metadata'] as { resourceVersion?: string } | undefined)?.resourceVersion;
    if (event.type === 'ERROR') {
      // Why: 410 Gone means the version is older than etcd keeps; start again from the current state.
      if ((event.object as { code?: number }).code === 410) delete entry.resourceVersion;
      return;
    }
    entry.idleRestarts = 0;
    if (version) entry.resourceVersion = version;
    if (event.type !== 'BOOKMARK') this.#changed();
  }

  async #open(entry: Entry): Promise<void> {
    if (this.#stopped) return;
    const query: Query = {
      ...entry.query,
      allowWatchBookmarks: true,
      timeoutSeconds: 300,
      ...(entry.resourceVersion ? { resourceVersion: entry.resourceVersion } : {}),
    };
    try {
      entry.controller = await this.#api.watch(
        entry.path,
        query,
        (event) => this.#onEvent(entry, event),
        () => this.#restart(entry),
      );
      // Why: stop() may run while the watch is still connecting; an open one left behind keeps the
      // process alive until the server ends it (timeoutSeconds), long after the verdict.
      if (this.#stopped) entry.controller.abort();
    } catch {
      this.#restart(entry);
    }
  }

  #restart(entry: Entry): void {
    if (this.#stopped || ++entry.idleRestarts > MAX_IDLE_RESTARTS) return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => void this.#open(entry), RESTART_DELAY_MS);
    entry.timer.unref();
  }

  /** Closes every watch. */
  stop(): void {
    this.#stopped = true;
    for (const entry of this.#entries) {
      clearTimeout(entry.timer);
      entry.controller?.abort();
    }
  }
}
