import type { AnySchemaObject } from 'ajv';
import type { ObjectValidator } from '../../core/validate/schema-types.ts';
import { asValidator, newAjv } from './ajv.ts';

/** Reads a JSON document by absolute URL (`https:` or `file:`); undefined when there is none there. */
export type FetchJson = (url: string) => Promise<Record<string, unknown> | undefined>;

/** Compiles schemas whose `$ref`s point to other files or URLs. */
export interface RefCompiler {
  /** Compiles the schema read from `url`; its relative `$ref`s resolve against `url`. Throws when it cannot. */
  compile(schema: Record<string, unknown>, url: string): Promise<ObjectValidator>;
}

function schemeOf(url: string): string {
  return url.slice(0, url.indexOf(':') + 1);
}

/**
 * A compiler for one kind of location, `file:` or `http(s):`. Referenced documents come through
 * `fetchJson` (which caches and applies the offline rules) and are compiled once for every schema
 * that uses them: the non-standalone layout of kubernetes-json-schema points every kind at one large
 * `_definitions.json`. Why one scheme per compiler: a local schema must not reach the network
 * (local locations are read offline), and a downloaded schema must not read files of this machine.
 */
export function createRefCompiler(scheme: 'file:' | 'http:', fetchJson: FetchJson): RefCompiler {
  const allowed = scheme === 'file:' ? ['file:'] : ['http:', 'https:'];
  const ajv = newAjv({
    loadSchema: async (uri: string) => {
      if (!allowed.includes(schemeOf(uri))) {
        throw new Error(
          scheme === 'file:'
            ? `$ref ${uri} leaves the machine, and local schema locations are read offline`
            : `$ref ${uri} is not on the web, and a downloaded schema may not read local files`,
        );
      }
      const document = await fetchJson(uri);
      if (!document) throw new Error(`$ref ${uri}: no such schema`);
      // Why: the document is registered under the address it was read from, which its own $ref's resolve against.
      const { $schema: _schema, $id: _id, id: _draft4Id, ...rest } = document;
      return rest as AnySchemaObject;
    },
  });
  return {
    async compile(schema, url) {
      const { $schema: _schema, $id: _id, id: _draft4Id, ...rest } = schema;
      const existing = ajv.getSchema(url);
      if (existing) return asValidator(existing);
      return asValidator(await ajv.compileAsync({ ...rest, $id: url } as AnySchemaObject));
    },
  };
}
