import { UserError } from '../../core/errors.ts';
import { type KindMatcher, parseKindMatchers } from '../../core/validate/gvk.ts';
import { type KubeVersion, parseKubeVersion } from '../../core/validate/kube-version.ts';
import { REPORT_FORMATS, type FailOn, type ReportFormat } from '../../core/validate/report/index.ts';
import type { InputsOf } from '../../specs/types.ts';
import type { validateSpec } from '../../specs/validate.ts';
import type { RenderMode } from '../shared/sources.ts';

/** A report to write: a format and a path. */
export interface ReportTarget {
  readonly format: ReportFormat;
  readonly path: string;
}

/** The typed inputs of validate, checked. */
export interface ValidateInputs {
  readonly paths: readonly string[];
  readonly env?: string;
  readonly render: RenderMode;
  readonly values: readonly string[];
  readonly kubernetesVersion: KubeVersion;
  readonly strict: boolean;
  readonly schemaLocations: readonly string[];
  readonly crdDirs: readonly string[];
  readonly ignoreMissingSchemas: boolean;
  readonly skipKinds: readonly KindMatcher[];
  readonly rejectKinds: readonly KindMatcher[];
  readonly policy?: string;
  readonly checkImages: boolean;
  readonly output: ReportFormat;
  readonly outputFile?: string;
  readonly reports: readonly ReportTarget[];
  readonly failOn: FailOn;
  readonly allowEmpty: boolean;
}

/** Parses `format=path` report items. */
export function parseReports(items: readonly string[]): ReportTarget[] {
  return items.map((item) => {
    const eq = item.indexOf('=');
    const format = item.slice(0, eq).trim();
    const path = item.slice(eq + 1).trim();
    if (eq < 0 || !path || !(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw new UserError(
        `reports: "${item}" is not format=path with a format among ${REPORT_FORMATS.join(', ')}; e.g. junit=baton-junit.xml.`,
        { input: 'reports' },
      );
    }
    return { format: format as ReportFormat, path };
  });
}

function checkSchemaLocations(items: readonly string[]): string[] {
  for (const item of items) {
    if (/^\w+:\/\//.test(item) && !/^https?:\/\//.test(item)) {
      throw new UserError(`schema-location: "${item}" is neither a local path nor an http(s) URL.`, { input: 'schema-location' });
    }
  }
  return [...items];
}

/** Checks validate's inputs and turns them into {@link ValidateInputs}; the first bad one throws a UserError naming it. */
export function validateInputs(values: InputsOf<typeof validateSpec>): ValidateInputs {
  const { policy, env } = values;
  const outputFile = values['output-file'];
  return {
    paths: [...values.paths],
    ...(env ? { env } : {}),
    render: values.render,
    values: [...values.values],
    kubernetesVersion: parseKubeVersion(values['kubernetes-version']),
    strict: values.strict,
    schemaLocations: checkSchemaLocations(values['schema-location']),
    crdDirs: [...values['crd-dir']],
    ignoreMissingSchemas: values['ignore-missing-schemas'],
    skipKinds: parseKindMatchers(values['skip-kinds'], 'skip-kinds'),
    rejectKinds: parseKindMatchers(values['reject-kinds'], 'reject-kinds'),
    ...(policy ? { policy } : {}),
    checkImages: values['check-images'],
    output: values.output,
    ...(outputFile ? { outputFile } : {}),
    reports: parseReports(values.reports),
    failOn: values['fail-on'],
    allowEmpty: values['allow-empty'],
  };
}
