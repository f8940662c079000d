/** What an import from Flux or Argo CD Image Updater amounts to in baton.yaml terms. */

/** A policy as written under `policies:` (kebab-case keys, only those set). */
export type PolicyYaml = Record<string, string | boolean | string[] | Record<string, string>>;

/** An environment the import wants updated: an existing one (matched by path) or a new one. */
export interface ImportedEnvironment {
  readonly name: string;
  readonly path: string;
  readonly branch?: string;
  readonly mode?: 'push' | 'pr';
  /** Policy names, in order. */
  readonly update: readonly string[];
}

/** A marker comment to add after a value, where the controller's setting names a value Baton would not find by itself. */
export interface ImportedMarker {
  readonly file: string;
  /** Dotted key path to the value (`foo.image.version`). */
  readonly key: string;
  /** The marker text without `#`: `baton: ghcr.io/acme/app:tag`. */
  readonly marker: string;
}

/** The import's result. */
export interface ImportResult {
  readonly policies: ReadonlyMap<string, PolicyYaml>;
  readonly environments: readonly ImportedEnvironment[];
  readonly markers: readonly ImportedMarker[];
  /** What could not be carried over, for people to read. */
  readonly notes: readonly string[];
}

/** A Kubernetes object as read from a YAML document. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: Record<string, unknown>;
  /** The file it came from, relative to the repo root. */
  readonly file: string;
}
