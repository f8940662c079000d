import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { httpRequest } from '../http/client.ts';

/**
 * kubeconform-compatible schema locations: a template with `{{ .ResourceKind }}` and friends, a local
 * directory laid out like kubernetes-json-schema, or `default` (the built-in schemas). URLs are read
 * once per run; local paths never leave the machine.
 */
export interface SchemaLocation {
  readonly template: string;
  readonly builtin: boolean;
}

const DIRECTORY_TEMPLATE = '/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json';

/** Parses the `schema-location` items. */
export function parseSchemaLocations(items: readonly string[]): SchemaLocation[] {
  return items.map((item) => {
    if (item === 'default') return { template: '', builtin: true };
    const template = item.includes('{{') || item.endsWith('.json') ? item : `${item.replace(/\/$/, '')}${DIRECTORY_TEMPLATE}`;
    return { template, builtin: false };
  });
}

/** Fills a location template for a resource, as kubeconform does. */
export function fillTemplate(template: string, apiVersion: string, kind: string, kubernetesVersion: string, strict: boolean): string {
  const parts = apiVersion.split('/');
  const groupHead = parts[0]!.split('.')[0]!.toLowerCase();
  const kindSuffix = `-${groupHead}${parts.length > 1 ? `-${parts[1]!.toLowerCase()}` : ''}`;
  const values: Record<string, string> = {
    NormalizedKubernetesVersion: kubernetesVersion === 'master' ? 'master' : `v${kubernetesVersion}`,
    KubernetesVersion: kubernetesVersion,
    StrictSuffix: strict ? '-strict' : '',
    ResourceKind: kind.toLowerCase(),
    ResourceAPIVersion: parts[parts.length - 1]!,
    Group: parts[0]!,
    KindSuffix: kindSuffix,
  };
  return template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new UserError(
        `schema-location: "${template}" uses {{ .${name} }}, which is not a known template field (known: ` +
          `${Object.keys(values).join(', ')}).`,
        { input: 'schema-location' },
      );
    return value;
  });
}

/** A location answered with something that is not JSON (an HTML error page, a login form): not a schema. */
export class NotJsonError extends Error {
  override name = 'NotJsonError';
}

/** Reads a schema document from a filled location: undefined when it does not exist; NotJsonError when it is not JSON. */
export async function readSchemaDocument(location: string, cwd: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  if (/^https?:\/\//.test(location)) {
    // Why: schema sites redirect to their CDN; no credentials are sent, so following is safe.
    const response = await httpRequest(location, { redirect: 'follow', timeoutMs: 60_000 });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`schema-location: GET ${location} answered ${response.status}`);
    text = await response.text();
  } else {
    const path = isAbsolute(location) ? location : resolve(cwd, location);
    const read = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (read === undefined) return undefined;
    text = read;
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new NotJsonError(`${location} is not JSON`, { cause: error });
  }
}
