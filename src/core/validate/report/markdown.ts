import type { Report } from '../types.ts';
import { summaryLine } from './text.ts';
import { describeLocation, describeResource } from './where.ts';

/** Rows kept in the summary; GitHub caps a step summary at 1 MiB. */
const MAX_ROWS = 500;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The job summary: verdict, counts, and the table of findings. */
export function markdownSummary(report: Report, title: string, failed: boolean): string {
  const c = report.counts;
  const verdict = failed
    ? `failed: ${c.errors} error(s), ${c.warnings} warning(s)`
    : c.errors + c.warnings > 0
      ? `passed with ${c.warnings} warning(s)`
      : 'passed';
  const lines = [`### Baton validate: ${title} — ${verdict}`, '', summaryLine(report), ''];
  if (report.findings.length === 0) return lines.join('\n');
  lines.push('| Level | Rule | Where | Resource | Finding | Fix |', '| --- | --- | --- | --- | --- | --- |');
  for (const f of report.findings.slice(0, MAX_ROWS)) {
    lines.push(
      `| ${f.level} | \`${f.rule}\` | \`${cell(describeLocation(f.location))}\` | ${cell(describeResource(f.resource))} | ` +
        `${cell(f.message)} | ${cell(f.fix ?? '')} |`,
    );
  }
  if (report.findings.length > MAX_ROWS) lines.push('', `…and ${report.findings.length - MAX_ROWS} more; see the full report.`);
  return lines.join('\n');
}
