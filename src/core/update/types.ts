/**
 * Update policies: which image an environment follows, and how the newest allowed version is chosen.
 * The strategies are the peers' own: Flux's semver, alphabetical and numerical policies (with
 * `filterTags`), and Argo CD Image Updater's semver, newest-build, digest and alphabetical strategies
 * (with allow and ignore tags).
 */

/** How the next version is chosen among the tags a registry lists. */
export type UpdateStrategy = 'semver' | 'alphabetical' | 'numerical' | 'newest-build' | 'digest';

/** Every strategy, in the order the docs list them. */
export const UPDATE_STRATEGIES: readonly UpdateStrategy[] = ['semver', 'alphabetical', 'numerical', 'newest-build', 'digest'];

/** What is written where a file allows a choice (the editor's pin). */
export type UpdatePin = 'tag' | 'digest' | 'tag+digest';

/** Flux's `filterTags`: only tags matching `pattern` count, compared by what `extract` expands to. */
export interface TagFilter {
  /** The pattern as written (Go `(?P<name>…)` groups accepted). */
  readonly pattern: string;
  /** `$name` / `${name}` / `$1` expansion; the whole tag when absent. */
  readonly extract?: string;
}

/** One update policy, checked. */
export interface UpdatePolicy {
  /** The policy's name: the key under `policies:`, or given inline; Flux markers refer to it. */
  readonly name: string;
  /** The image name (no tag), as written in baton.yaml. */
  readonly image: string;
  readonly strategy: UpdateStrategy;
  /** semver: the range (`^1.2`, `>=1.0.0 <2.0.0`, `1.x`); default `*`. */
  readonly range?: string;
  /** semver: consider prerelease versions too. */
  readonly prereleases: boolean;
  /** alphabetical and numerical: `asc` picks the highest (default), `desc` the lowest. */
  readonly order: 'asc' | 'desc';
  readonly filter?: TagFilter;
  /** digest: the mutable tag to follow (default `latest`). */
  readonly tag?: string;
  /** Tags allowed (`regexp:<re>` or a glob; `any` for all); empty allows every tag. */
  readonly allow: readonly string[];
  /** Tags never chosen (`regexp:<re>` or a glob). */
  readonly ignore: readonly string[];
  /** `os/arch[/variant]` read from multi-arch images (newest-build's creation time, digest pins). */
  readonly platform?: string;
  readonly pin: UpdatePin;
  /** Write a version the policy ranks lower than the one in the files. */
  readonly allowDowngrade: boolean;
}

/** A tag and what the registry says about it, as far as a strategy needs. */
export interface TagCandidate {
  readonly tag: string;
  /** The image config's `created` (newest-build only). */
  readonly created?: string;
}

/** What a strategy chose. */
export interface Choice {
  readonly tag: string;
  /** digest strategy: the digest the tag points at now. */
  readonly digest?: string;
}
