import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CustomResourceSchema } from '../../core/validate/crd-schema.ts';
import type { ObjectValidator, SchemaEntry, SchemaSource } from '../../core/validate/schema-types.ts';
import { BUILTIN_SOURCE, loadBuiltinSchema } from './builtin.ts';
import { fillTemplate, NotJsonError, readSchemaDocument, type SchemaLocation } from './locations.ts';
import type { RefCompiler } from './refs.ts';

/** How a catalog finds schemas. */
export interface SchemaCatalogOptions {
  readonly strict: boolean;
  readonly kubernetesVersion: string;
  /** Locations in order; `default` (the built-in schemas) when none is given, as kubeconform does. */
  readonly locations: readonly SchemaLocation[];
  readonly cwd: string;
  /** Where to say that a location answered with something that is not a schema. */
  readonly warn?: (message: string) => void;
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

const isWeb = (where: string) => /^https?:\/\//.test(where);

/** Creates the schema catalog of a run. */
export function createSchemaCatalog(options: SchemaCatalogOptions): SchemaCatalog {
  const entries = new Map<string, SchemaEntry | null>();
  const custom = new Map<string, SchemaEntry>();
  // Why compiled on first use: ajv (and its compiler) loads only when a run has CRDs whose kinds it meets.
  const pendingCustom = new Map<string, CustomResourceSchema>();
  const locations = options.locations.length > 0 ? options.locations : [{ template: '', builtin: true }];
  // Every document is read once per run, also when many schemas $ref it.
  const documents = new Map<string, Promise<Record<string, unknown> | undefined>>();
  const read = (url: string) => {
    let document = documents.get(url);
    if (!document) {
      document = readSchemaDocument(url.startsWith('file:') ? fileURLToPath(url) : url, options.cwd);
      documents.set(url, document);
    }
    return document;
  };
  const compilers = new Map<string, RefCompiler>();
  const compilerFor = async (scheme: 'file:' | 'http:') => {
    let compiler = compilers.get(scheme);
    if (!compiler) {
      const { createRefCompiler } = await import('./refs.ts');
      compiler = createRefCompiler(scheme, read);
      compilers.set(scheme, compiler);
    }
    return compiler;
  };

  async function fromLocations(apiVersion: string, kind: string): Promise<SchemaEntry | null> {
    for (const location of locations) {
      if (location.builtin) {
        const validate = await loadBuiltinSchema(apiVersion, kind, options.strict);
        if (validate) return { validate, source: BUILTIN_SOURCE };
        continue;
      }
      const where = fillTemplate(location.template, apiVersion, kind, options.kubernetesVersion, options.strict);
      const url = isWeb(where) ? where : pathToFileURL(isAbsolute(where) ? where : resolve(options.cwd, where)).href;
      const document = await read(url).catch((error: unknown) => {
        if (!(error instanceof NotJsonError)) throw error;
        options.warn?.(`schema-location: ${where} answered with something that is not JSON; trying the next location.`);
        return undefined;
      });
      if (document)
        return {
          validate: await compileLocation(await compilerFor(isWeb(where) ? 'http:' : 'file:'), document, url, where),
          source: where,
        };
    }
    return null;
  }

  return {
    addCustomResources(schemas) {
      for (const s of schemas) {
        const key = `${s.apiVersion}/${s.kind}`;
        if (!custom.has(key) && !pendingCustom.has(key)) pendingCustom.set(key, s);
      }
    },
    async prepare(kinds) {
      for (const key of kinds) {
        const pending = pendingCustom.get(key);
        if (pending) {
          pendingCustom.delete(key);
          custom.set(key, { validate: await compileOrExplain(pending.schema, `CRD ${pending.crd}`), source: `CRD ${pending.crd}` });
        }
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

async function compileOrExplain(schema: Record<string, unknown>, where: string): Promise<ObjectValidator> {
  try {
    const { compileSchema } = await import('./ajv.ts');
    return compileSchema(schema);
  } catch (error) {
    return failingValidator(`the schema from ${where} does not compile: ${(error as Error).message}`);
  }
}

async function compileLocation(
  compiler: RefCompiler,
  schema: Record<string, unknown>,
  url: string,
  where: string,
): Promise<ObjectValidator> {
  try {
    return await compiler.compile(schema, url);
  } catch (error) {
    return failingValidator(`the schema from ${where} does not compile: ${(error as Error).message}`);
  }
}
