import type { ParsedDocument } from './documents.ts';
import { joinPointer } from './pointer.ts';
import type { Location, RawFinding, Resource, ResourceId } from './types.ts';

/**
 * Where a stream came from. A plain file names itself; a rendered stream names what rendered it and,
 * per document, the source file when the renderer said (`# Source:` from Helm, kustomize's origin).
 */
export interface StreamOrigin {
  readonly file: string;
  readonly renderedBy?: string;
  sourceOf?(document: ParsedDocument): string | undefined;
}

/** The resources of a stream and the documents that are not resources. */
export interface StreamResources {
  readonly resources: Resource[];
  readonly findings: RawFinding[];
  /** Empty and comment-only documents: counted, never errors. */
  readonly empty: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Builds the location of a pointer inside a document of a stream. */
export function locationIn(origin: StreamOrigin, doc: ParsedDocument, pointer: string, key = false): Location {
  const pos = pointer === '' ? doc.start : doc.locate(pointer, { key });
  if (!origin.renderedBy) return { file: origin.file, line: pos.line, column: pos.column, document: doc.index, path: pointer };
  const source = origin.sourceOf?.(doc);
  return {
    file: source ?? origin.file,
    document: doc.index,
    path: pointer,
    rendered: { by: origin.renderedBy, document: doc.index, line: pos.line, column: pos.column },
  };
}

function resourceId(object: Record<string, unknown>): ResourceId {
  const metadata = isObject(object['metadata']) ? object['metadata'] : {};
  const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined;
  return {
    apiVersion: String(object['apiVersion']),
    kind: String(object['kind']),
    name:
      typeof metadata['name'] === 'string'
        ? metadata['name']
        : typeof metadata['generateName'] === 'string'
          ? `${metadata['generateName']}*`
          : '',
    ...(namespace ? { namespace } : {}),
  };
}

function what(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
}

/** Checks that a value is a Kubernetes object; returns a finding when it is not. */
function objectProblem(value: unknown, origin: StreamOrigin, doc: ParsedDocument, base: string): RawFinding | undefined {
  const label = base === '' ? `document ${doc.index}` : `document ${doc.index}, ${base}`;
  if (!isObject(value)) {
    return {
      rule: 'not-an-object',
      message: `${label} is ${what(value)}, not a Kubernetes object`,
      location: locationIn(origin, doc, base),
      fix: 'Each YAML document must be one object with apiVersion and kind (or a List of them).',
    };
  }
  const missing = ['apiVersion', 'kind'].filter((key) => typeof value[key] !== 'string' || value[key] === '');
  if (missing.length === 0) return undefined;
  // Why a notice: a directory of manifests often holds other YAML (tool configs, values); with neither
  // key the document does not claim to be an object. kubeconform calls it an error; the policy file can too.
  if (base === '' && !('apiVersion' in value) && !('kind' in value)) {
    return {
      rule: 'not-kubernetes',
      message: `${label} has neither apiVersion nor kind: not a Kubernetes object, not checked`,
      location: locationIn(origin, doc, base),
      fix: 'If it should be a Kubernetes object, add apiVersion and kind; otherwise keep it out of the paths (or turn the rule off).',
    };
  }
  return {
    rule: 'missing-kind',
    message: `${label} has no ${missing.join(' and no ')}`,
    location: locationIn(origin, doc, base),
    fix: 'Add apiVersion and kind, e.g. apiVersion: apps/v1 and kind: Deployment.',
  };
}

function toResource(object: Record<string, unknown>, origin: StreamOrigin, doc: ParsedDocument, base: string): Resource {
  return {
    object,
    id: resourceId(object),
    location: locationIn(origin, doc, base),
    pointerBase: base,
    locate: (pointer, key) => locationIn(origin, doc, `${base}${pointer}`, key),
  };
}

/**
 * Turns the documents of a stream into resources: `kind: List` is expanded into its items, empty
 * documents are counted, and documents that are not objects or lack apiVersion/kind become findings.
 */
export function streamResources(documents: readonly ParsedDocument[], origin: StreamOrigin): StreamResources {
  const out = { resources: [] as Resource[], findings: [] as RawFinding[], empty: 0 };
  for (const doc of documents) {
    if (doc.value === null || doc.value === undefined) {
      out.empty++;
      continue;
    }
    const problem = objectProblem(doc.value, origin, doc, '');
    if (problem) {
      out.findings.push(problem);
      continue;
    }
    const object = doc.value as Record<string, unknown>;
    if (object['kind'] === 'List' && Array.isArray(object['items'])) {
      expandList(object['items'], origin, doc, out);
    } else {
      out.resources.push(toResource(object, origin, doc, ''));
    }
  }
  return out;
}

function expandList(
  items: unknown[],
  origin: StreamOrigin,
  doc: ParsedDocument,
  out: { resources: Resource[]; findings: RawFinding[] },
): void {
  items.forEach((item, i) => {
    const base = joinPointer('items', i);
    const problem = objectProblem(item, origin, doc, base);
    if (problem) out.findings.push(problem);
    else out.resources.push(toResource(item as Record<string, unknown>, origin, doc, base));
  });
}
