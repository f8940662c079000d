import type { ImageRef } from '../image-ref.ts';

/**
 * What a bump writes where a file allows a choice:
 * - `tag`: `name:tag`; a digest pinned next to the old tag is replaced (or dropped when none is given),
 *   because a stale digest would override the new tag;
 * - `digest`: `name@digest` (a separate tag field, where one exists, is kept in step with the new tag);
 * - `tag+digest`: `name:tag@digest`, or both fields.
 */
export type Pin = 'tag' | 'digest' | 'tag+digest';

/** Where an image reference was found. */
export type SiteKind = 'kustomize' | 'container' | 'helm' | 'marker' | 'flux-marker';

/** One place in one file where an image lives, with what it holds now. */
export interface ImageSite {
  /** Path relative to the env repo root, forward slashes. */
  readonly file: string;
  /** 1-based line and column of the value that names the image. */
  readonly line: number;
  readonly column: number;
  readonly kind: SiteKind;
  /** The image as written there, normalised (tag and digest as currently held). */
  readonly image: ImageRef;
  /** For a Flux `$imagepolicy` marker: the policy it names (`flux-system:podinfo`). */
  readonly policy?: string;
}

/** One value that changed (or would change) in one file. */
export interface ValueChange {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly kind: SiteKind;
  /** Canonical image name, e.g. `ghcr.io/acme/api`. */
  readonly image: string;
  /** The field written: `image`, `newTag`, `digest`, `tag`, `repository`, `marker`, … */
  readonly field: string;
  readonly old: string | undefined;
  readonly new: string | undefined;
  /** Tag and digest held before and after the edit at this site. */
  readonly oldTag: string | undefined;
  readonly newTag: string | undefined;
  readonly oldDigest: string | undefined;
  readonly newDigest: string | undefined;
}

/** A place that was not changed on purpose, e.g. because it already holds a newer version. */
export interface SkippedSite {
  readonly file: string;
  readonly line: number;
  readonly image: string;
  readonly current: string;
  readonly wanted: string;
  readonly reason: 'downgrade';
}

/** Options that steer locating and editing. */
export interface EditOptions {
  readonly pin: Pin;
  /** Write even when the file holds a higher version under the same policy (semver). */
  readonly allowDowngrade: boolean;
  /** Flux `$imagepolicy` markers: policy name (`ns:name` or `name`) → image name it stands for. */
  readonly policies?: Readonly<Record<string, string>>;
  /**
   * Write only the Flux `$imagepolicy` markers of this policy (`ns:name` or `name`), as Flux's setters
   * do: markers of other policies and values without a marker are left alone. The requested image (one)
   * is the policy's latest image; `policies` is not needed for it.
   */
  readonly policy?: string;
  /**
   * Files of the kustomize bases the environment's kustomization builds on (path → text), read only.
   * An image found in no file of the environment but in a base gets an `images:` entry added to the
   * environment's kustomization (at `root`), as `kustomize edit set image` does.
   */
  readonly bases?: ReadonlyMap<string, string>;
  /** The path that was searched (e.g. `envs/staging`), for messages; defaults to the files' common folder. */
  readonly root?: string;
}

/** The edit of one file: its text before and after, and the values that changed. */
export interface FileEdit {
  readonly file: string;
  readonly before: string;
  readonly after: string;
  readonly changes: readonly ValueChange[];
}

/** The outcome of planning edits over a set of files. */
export interface EditPlan {
  /** Files whose text changes, in path order. Files that do not change are absent. */
  readonly edits: readonly FileEdit[];
  /** Every site where each requested image (canonical name) was found, changed or not. */
  readonly sites: ReadonlyMap<string, readonly ImageSite[]>;
  readonly skipped: readonly SkippedSite[];
  /** Files left out and why (unparsable files that cannot hold the image), one line each, for the log. */
  readonly notices?: readonly string[];
}
