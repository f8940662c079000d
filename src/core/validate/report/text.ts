import type { Report } from '../types.ts';
import { describeLocation, describeResource } from './where.ts';

/** One line per finding (and its fix), then a summary line, as kubeconform prints it. */
export function textReport(report: Report): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const resource = describeResource(f.resource);
    lines.push(`${describeLocation(f.location)}: ${f.level} [${f.rule}] ${resource ? `${resource}: ` : ''}${f.message}`);
    if (f.fix) lines.push(`    fix: ${f.fix}`);
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/** `Summary: 12 resources in 4 files (Kubernetes 1.36.0) - errors: 2, warnings: 1, skipped: 0`. */
export function summaryLine(report: Report): string {
  const c = report.counts;
  return (
    `Summary: ${c.resources} resources in ${c.files} files (Kubernetes ${report.kubernetesVersion}) - errors: ${c.errors}, warnings: ` +
    `${c.warnings}, notices: ${c.notices}, skipped: ${c.skipped}`
  );
}
