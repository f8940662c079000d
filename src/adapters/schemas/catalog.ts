import type { CustomResourceSchema } from '../../core/validate/crd-schema.ts';
import type { ObjectValidator, SchemaEntry, SchemaSource } from '../../core/validate/schema-types.ts';
import { compileSchema } from './ajv.ts';
import { BUILTIN_SOURCE, loadBuiltinSchema } from './builtin.ts';
import { fillTemplate, readSchemaDocument, type SchemaLocation } from './locations.ts';

/** How a catalog finds schemas. */
export interface SchemaCatalogOptions {
  readonly strict: boolean;
  readonly kubernetesVersion: string;
  /** Locations in order; `default` (the built-in schemas) when none is given, as kubeconform does. */
  readonly locations: readonly SchemaLocation[];
  readonly cwd: string;
}

/** Schemas of one run: CRDs first, then the locations in order. Load with `prepare`, then `lookup`. */
export interface SchemaCatalog extends SchemaSource {
  /** Registers custom resource schemas (from CRDs in the inputs or crd-dir); the first for a kind wins. */
  addCustomResources(schemas: readonly CustomResourceSchema[]): void;
  /** Loads the schemas of these `apiVersion/kind` keys that are not loaded yet. */
  prepare(kinds: Iterable<string>): Promise<void>;
}

function failingValidator(message: string): ObjectValidator {
  return () => [{ keyword: 'schema', instancePath: '', params: {}, message }];
}

/** Creates the schema catalog of a run. */
export function createSchemaCatalog(options: SchemaCatalogOptions): SchemaCatalog {
  const entries = new Map<string, SchemaEntry | null>();
  const custom = new Map<string, SchemaEntry>();
  const locations = options.locations.length > 0 ? options.locations : [{ template: '', builtin: true }];

  async function fromLocations(apiVersion: string, kind: string): Promise<SchemaEntry | null> {
    for (const location of locations) {
      if (location.builtin) {
        const validate = await loadBuiltinSchema(apiVersion, kind, options.strict);
        if (validate) return { validate, source: BUILTIN_SOURCE };
        continue;
      }
      const where = fillTemplate(location.template, apiVersion, kind, options.kubernetesVersion, options.strict);
      const document = await readSchemaDocument(where, options.cwd);
      if (document) return { validate: compileOrExplain(document, where), source: where };
    }
    return null;
  }

  return {
    addCustomResources(schemas) {
      for (const s of schemas) {
        const key = `${s.apiVersion}/${s.kind}`;
        if (!custom.has(key)) custom.set(key, { validate: compileOrExplain(s.schema, `CRD ${s.crd}`), source: `CRD ${s.crd}` });
      }
    },
    async prepare(kinds) {
      for (const key of kinds) {
        if (custom.has(key) || entries.has(key)) continue;
        const slash = key.lastIndexOf('/');
        entries.set(key, await fromLocations(key.slice(0, slash), key.slice(slash + 1)));
      }
    },
    lookup(apiVersion, kind) {
      const key = `${apiVersion}/${kind}`;
      return custom.get(key) ?? entries.get(key) ?? undefined;
    },
  };
}

function compileOrExplain(schema: Record<string, unknown>, where: string): ObjectValidator {
  try {
    return compileSchema(schema);
  } catch (error) {
    return failingValidator(`the schema from ${where} does not compile: ${(error as Error).message}`);
  }
}
