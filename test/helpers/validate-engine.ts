/** Runs the validate engine in memory over YAML texts, with the real built-in schemas and CRDs from the texts. */
import { createSchemaCatalog } from '../../src/adapters/schemas/catalog.ts';
import { parseSchemaLocations } from '../../src/adapters/schemas/locations.ts';
import { crdSchemas } from '../../src/core/validate/crd-schema.ts';
import { parseStream } from '../../src/core/validate/documents.ts';
import { createEngine, type EngineOptions } from '../../src/core/validate/engine.ts';
import { parseKindMatchers } from '../../src/core/validate/gvk.ts';
import { parseKubeVersion } from '../../src/core/validate/kube-version.ts';
import { POLICIES } from '../../src/core/validate/policies/index.ts';
import type { PolicyConfig } from '../../src/core/validate/policy-config.ts';
import type { Report } from '../../src/core/validate/types.ts';

/** Policies off: only the schema-level checks speak. */
export const SCHEMA_ONLY: PolicyConfig = { rules: Object.fromEntries(POLICIES.map((p) => [p.id, 'off'])), environments: {} };

/** Options of a run, all optional. */
export interface RunOptions {
  readonly strict?: boolean;
  readonly version?: string;
  readonly skip?: string[];
  readonly reject?: string[];
  readonly ignoreMissing?: boolean;
  readonly policy?: PolicyConfig;
  readonly env?: string;
  readonly crds?: string;
  readonly allowEmpty?: boolean;
  readonly schemaLocations?: string[];
  readonly cwd?: string;
}

/** Validates `files` (name → YAML) and returns the report. */
export async function runEngine(files: Record<string, string>, options: RunOptions = {}): Promise<Report> {
  const strict = options.strict ?? true;
  const engineOptions: EngineOptions = {
    strict,
    kubernetesVersion: parseKubeVersion(options.version ?? '1.36.0'),
    skipKinds: parseKindMatchers(options.skip ?? [], 'skip-kinds'),
    rejectKinds: parseKindMatchers(options.reject ?? [], 'reject-kinds'),
    ignoreMissingSchemas: options.ignoreMissing ?? false,
    policy: options.policy ?? SCHEMA_ONLY,
    allowEmpty: options.allowEmpty ?? false,
    ...(options.env ? { env: options.env } : {}),
  };
  const engine = createEngine(engineOptions);
  const catalog = createSchemaCatalog({
    strict,
    kubernetesVersion: options.version ?? '1.36.0',
    locations: parseSchemaLocations(options.schemaLocations ?? []),
    cwd: options.cwd ?? process.cwd(),
  });
  const crdTexts = [options.crds ?? '', ...Object.values(files)].filter((t) => t.includes('CustomResourceDefinition'));
  for (const text of crdTexts) {
    for (const doc of parseStream(text, 'crds', { strict: false }).documents) {
      const value = doc.value as Record<string, unknown> | null;
      if (value?.['kind'] === 'CustomResourceDefinition') catalog.addCustomResources(crdSchemas(value, strict));
    }
  }
  for (const [file, text] of Object.entries(files)) {
    const parsed = engine.parse(text, { file });
    await catalog.prepare(parsed.kinds);
    engine.check(parsed, catalog);
  }
  return engine.finish();
}

/** `rule@line:column` for each finding: compact to compare in tables. */
export function brief(report: Report): string[] {
  return report.findings.map((f) => `${f.rule}@${f.location.line ?? '-'}:${f.location.column ?? '-'}`);
}
