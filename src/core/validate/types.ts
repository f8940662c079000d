/**
 * The vocabulary of `validate`: where a finding is, how bad it is, what to do about it, and the
 * resources it is about. Data only; the logic lives beside this file.
 */

/** How bad a finding is. `off` turns a rule off (policy file); findings never carry it. */
export type Level = 'error' | 'warning' | 'notice';

/** A level as the policy file writes it: a level, or `off`. */
export type LevelSetting = Level | 'off';

/** A place in a file: 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Where a finding is. `file` is what a person opens: the manifest, or for rendered output the source
 * file the renderer named (Helm's `# Source:`, kustomize's origin annotation), else the kustomization
 * or chart. `rendered` names the place in the rendered stream when the resource came from a renderer.
 */
export interface Location {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** 1-based index of the YAML document in its file or rendered stream. */
  readonly document?: number;
  /** JSON pointer of the value inside the object, e.g. `/spec/replicas`. */
  readonly path?: string;
  readonly rendered?: RenderedLocation;
}

/** A place in a renderer's output. */
export interface RenderedLocation {
  /** What rendered it: `kustomize envs/staging`, `helm charts/api`. */
  readonly by: string;
  readonly document: number;
  readonly line: number;
  readonly column: number;
}

/** The object a finding is about, for tables and reports. */
export interface ResourceId {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** One thing `validate` has to say. */
export interface Finding {
  /** Stable rule id, e.g. `schema`, `image-tag` (see `rules.ts`). */
  readonly rule: string;
  readonly level: Level;
  readonly message: string;
  readonly location: Location;
  readonly resource?: ResourceId;
  /** What to do about it. */
  readonly fix?: string;
}

/** A finding before its level is settled by the policy file and the environment. */
export type RawFinding = Omit<Finding, 'level'> & { readonly level?: Level };

/** One Kubernetes object found in the inputs, with where it came from. */
export interface Resource {
  readonly object: Record<string, unknown>;
  readonly id: ResourceId;
  /** Where the object starts; `pointerBase` is the object's own pointer inside its document (`/items/2` in a List). */
  readonly location: Location;
  readonly pointerBase: string;
  /** Finds a JSON pointer relative to the object (`/spec/replicas`); with `key`, the key that holds it. */
  locate(pointer: string, key?: boolean): Location;
}

/** Counts that a run reports, for outputs and summaries. */
export interface Counts {
  readonly files: number;
  readonly resources: number;
  /** Resources left out by `skip-kinds`, or without a schema under `ignore-missing-schemas`. */
  readonly skipped: number;
  readonly errors: number;
  readonly warnings: number;
  readonly notices: number;
}

/** The whole result of a run: findings, sorted by file and line, and counts. */
export interface Report {
  readonly findings: readonly Finding[];
  readonly counts: Counts;
  /** The Kubernetes version the run targeted, `1.36.0`. */
  readonly kubernetesVersion: string;
  /** The resources checked, for JUnit test cases. */
  readonly resources: readonly ReportedResource[];
}

/** A resource as reports list it. */
export interface ReportedResource {
  readonly id: ResourceId;
  readonly location: Location;
  readonly skipped?: string;
}
