import type { Finding, Location, Report, ResourceId } from '../types.ts';

/** `envs/staging/app.yaml:12:7`, or for rendered output `envs/staging (kustomize envs/staging, document 3, line 12:7)`. */
export function describeLocation(location: Location): string {
  const r = location.rendered;
  if (r) return `${location.file} (${r.by}, document ${r.document}, line ${r.line}:${r.column})`;
  if (location.line === undefined) return location.file;
  return `${location.file}:${location.line}:${location.column ?? 1}`;
}

/** `Deployment team-a/api`. */
export function describeResource(id: ResourceId | undefined): string {
  if (!id) return '';
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name || '(no name)'}`;
}

/** The line and column a tool should point at: the source line, or the line in the rendered stream. */
export function pointAt(location: Location): { line?: number; column?: number } {
  if (location.line !== undefined) return { line: location.line, column: location.column ?? 1 };
  return {};
}

/** The levels that fail a run under `fail-on`. */
export type FailOn = 'error' | 'warning';

/** True when a finding's level fails the run under `fail-on`. */
export function fails(finding: Finding, failOn: FailOn): boolean {
  return finding.level === 'error' || (failOn === 'warning' && finding.level === 'warning');
}

/** True when the report fails the run under `fail-on`. */
export function reportFails(report: Report, failOn: FailOn): boolean {
  return report.findings.some((f) => fails(f, failOn));
}
