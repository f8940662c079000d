import { parseStream } from './documents.ts';
import { containersOf } from './policies/pod-spec.ts';
import { MAX_DEPTH, TooDeepError } from './depth.ts';
import { duplicateKey, duplicateResourceRule, whereOf } from './policies/duplicate-resource.ts';
import { POLICIES, type PolicyState, runPolicies } from './policies/index.ts';
import { activeLevel, levelFor, type PolicyConfig } from './policy-config.ts';
import { type StreamOrigin, streamResources } from './resources.ts';
import { checkResource, type SchemaCheckOptions } from './schema-check.ts';
import type { SchemaSource } from './schema-types.ts';
import { formatKubeVersion } from './kube-version.ts';
import type { Finding, Location, RawFinding, Report, ReportedResource, Resource, ResourceId } from './types.ts';

/** Everything a run decides by. */
export interface EngineOptions extends SchemaCheckOptions {
  /** Duplicate keys are errors and unknown fields are reported. */
  readonly strict: boolean;
  readonly policy: PolicyConfig;
  /** The environment whose policy levels apply. */
  readonly env?: string;
  /** No objects at all is fine (default: an error, so a renderer that printed nothing does not pass). */
  readonly allowEmpty: boolean;
  /** Keep the image references for check-images. */
  readonly collectImages?: boolean;
  /**
   * A part of a run (a worker thread's share of the files): duplicates across parts cannot be seen
   * here, so each checked resource's identity is kept for the run's engine to compare (see `merge`).
   */
  readonly part?: boolean;
}

/** A checked resource's identity, for finding duplicates across the parts of a run. */
export interface ResourceKey {
  readonly key: string;
  /** Where it is, as a duplicate's message names the first one. */
  readonly where: string;
  readonly file: string;
  /** Its index among the resources of its stream, to find it again. */
  readonly index: number;
}

/** What one part of a run found, as plain data (it crosses threads). */
export interface PartResult {
  readonly findings: readonly RawFinding[];
  readonly reported: readonly ReportedResource[];
  readonly files: number;
  readonly keys: readonly ResourceKey[];
}

/** An image reference found in a resource, for check-images. */
export interface ImageUse {
  readonly image: string;
  /** Where it is; computed on demand (positions cost a parse). */
  location(): Location;
  readonly resource: ResourceId;
}

/** A stream parsed and turned into resources, waiting for its schemas. */
export interface ParsedInput {
  readonly resources: readonly Resource[];
  /** `apiVersion/kind` of every resource, for loading schemas before the check. */
  readonly kinds: ReadonlySet<string>;
}

/** One validation run: feed it streams, then ask for the report. */
export interface Engine {
  /** Parses a stream (file or rendered output); syntax findings are kept. */
  parse(text: string, origin: StreamOrigin): ParsedInput;
  /** Checks parsed resources against schemas and policies. */
  check(input: ParsedInput, schemas: SchemaSource): void;
  /** Adds findings made elsewhere (renderers, registries). */
  add(findings: readonly RawFinding[]): void;
  /** Image references seen so far. */
  images(): readonly ImageUse[];
  /** Settles levels and counts. */
  finish(): Report;
  /** What this engine found so far, unsettled (for an engine made with `part`). */
  partResult(): PartResult;
  /**
   * Adds what a part found, in stream order, and reports duplicates against everything seen before;
   * `resourceAt` finds a duplicate again (by file and index) to locate its name.
   */
  merge(part: PartResult, resourceAt: (file: string, index: number) => Resource | undefined): void;
}

/** Starts a validation run. */
export function createEngine(options: EngineOptions): Engine {
  const raw: RawFinding[] = [];
  const reported: ReportedResource[] = [];
  const images: ImageUse[] = [];
  const level = (rule: string) => activeLevel(levelFor(options.policy, rule, options.env));
  const policies = POLICIES.filter((rule) => level(rule.id) !== undefined && !(options.part && rule === duplicateResourceRule));
  const keepKeys = options.part === true && level(duplicateResourceRule.id) !== undefined;
  const keys: ResourceKey[] = [];
  const state: PolicyState = { seen: new Map() };
  let files = 0;
  return {
    parse(text, origin) {
      files++;
      try {
        const stream = parseStream(text, origin.file, { strict: options.strict });
        const found = streamResources(stream.documents, origin);
        for (const finding of stream.findings) raw.push(finding);
        for (const finding of found.findings) raw.push(finding);
        return { resources: found.resources, kinds: new Set(found.resources.map((r) => `${r.id.apiVersion}/${r.id.kind}`)) };
      } catch (error) {
        if (!isStackOverflow(error)) throw error;
        raw.push(tooDeep(origin.file));
        return { resources: [], kinds: new Set() };
      }
    },
    check(input, schemas) {
      for (const [index, resource] of input.resources.entries()) {
        try {
          const result = checkResource(resource, schemas, options);
          for (const finding of result.findings) raw.push(finding);
          reported.push({ id: resource.id, location: resource.location, ...(result.skipped ? { skipped: result.skipped } : {}) });
          if (result.skipped) continue;
          for (const finding of runPolicies(resource, policies, state)) raw.push(finding);
          const key = keepKeys ? duplicateKey(resource) : undefined;
          if (key !== undefined) keys.push({ key, where: whereOf(resource), file: resource.location.file, index });
          if (options.collectImages) collectImages(resource, images);
        } catch (error) {
          if (!isStackOverflow(error)) throw error;
          raw.push({ ...tooDeep(resource.location.file), location: resource.location, resource: resource.id });
        }
      }
    },
    add(findings) {
      raw.push(...findings);
    },
    images: () => images,
    finish: () => settle(raw, reported, files, options, level),
    partResult: () => ({ findings: raw, reported, files, keys }),
    merge(part, resourceAt) {
      files += part.files;
      for (const finding of part.findings) raw.push(finding);
      for (const resource of part.reported) reported.push(resource);
      if (!policies.includes(duplicateResourceRule)) return;
      for (const { key, where, file, index } of part.keys) {
        if (!state.seen.has(key)) {
          state.seen.set(key, where);
          continue;
        }
        // A duplicate: rare, so it is found again (a parse of its file) only to locate its name.
        const resource = resourceAt(file, index);
        if (resource) for (const finding of duplicateResourceRule.check(resource, state)) raw.push(finding);
      }
    },
  };
}

/**
 * The readers refuse documents nesting beyond MAX_DEPTH (TooDeepError). A stack overflow further on
 * (the validators and policies recurse) is caught too: V8 throws a RangeError that unwinds cleanly.
 */
function isStackOverflow(error: unknown): boolean {
  return error instanceof TooDeepError || (error instanceof RangeError && /call stack/i.test(error.message));
}

function tooDeep(file: string): RawFinding {
  return {
    rule: 'too-deep',
    message: `${file} nests values deeper than ${MAX_DEPTH} levels; it was not checked`,
    location: { file },
    fix: 'Kubernetes objects nest a few dozen levels at most; fix or remove the file.',
  };
}

function collectImages(resource: Resource, out: ImageUse[]): void {
  for (const at of containersOf(resource)) {
    const image = at.container['image'];
    if (typeof image === 'string') out.push({ image, location: () => resource.locate(`${at.pointer}/image`), resource: resource.id });
  }
}

function compare(a: Finding, b: Finding): number {
  const la = a.location;
  const lb = b.location;
  return (
    la.file.localeCompare(lb.file) ||
    (la.rendered?.line ?? la.line ?? 0) - (lb.rendered?.line ?? lb.line ?? 0) ||
    (la.column ?? 0) - (lb.column ?? 0)
  );
}

function settle(
  raw: readonly RawFinding[],
  reported: readonly ReportedResource[],
  files: number,
  options: EngineOptions,
  level: (rule: string) => Finding['level'] | undefined,
): Report {
  const all = [...raw];
  if (reported.length === 0 && !options.allowEmpty) {
    all.push({
      rule: 'no-objects',
      message: 'the inputs hold no Kubernetes objects',
      location: { file: '.' },
      fix: 'Check the paths (and the renderer output); set allow-empty if an empty environment is intended.',
    });
  }
  const findings: Finding[] = [];
  for (const finding of all) {
    const settled = level(finding.rule);
    if (settled) findings.push({ ...finding, level: settled });
  }
  findings.sort(compare);
  const count = (l: Finding['level']) => findings.filter((f) => f.level === l).length;
  return {
    findings,
    resources: reported,
    kubernetesVersion: formatKubeVersion(options.kubernetesVersion),
    counts: {
      files,
      resources: reported.length,
      skipped: reported.filter((r) => r.skipped).length,
      errors: count('error'),
      warnings: count('warning'),
      notices: count('notice'),
    },
  };
}
