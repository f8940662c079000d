import type { Report } from '../types.ts';

/** The report as JSON: version, counts and findings with their locations and fixes. */
export function jsonReport(report: Report): string {
  const findings = report.findings.map((f) => ({
    rule: f.rule,
    level: f.level,
    message: f.message,
    file: f.location.file,
    line: f.location.line ?? null,
    column: f.location.column ?? null,
    document: f.location.document ?? null,
    path: f.location.path ?? null,
    rendered: f.location.rendered ?? null,
    resource: f.resource ?? null,
    fix: f.fix ?? null,
  }));
  return `${JSON.stringify({ kubernetesVersion: report.kubernetesVersion, counts: report.counts, findings }, null, 2)}\n`;
}
