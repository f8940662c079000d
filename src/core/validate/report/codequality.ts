import { createHash } from 'node:crypto';
import type { Finding, Level, Report } from '../types.ts';
import { describeResource } from './where.ts';

const SEVERITY: Readonly<Record<Level, 'info' | 'minor' | 'major' | 'critical' | 'blocker'>> = {
  error: 'major',
  warning: 'minor',
  notice: 'info',
};

/** A stable id for a finding: the same problem keeps its fingerprint when lines move. */
function fingerprint(f: Finding, seen: Map<string, number>): string {
  const base = [f.rule, f.location.file, f.location.path ?? '', describeResource(f.resource), f.message].join('\n');
  const n = seen.get(base) ?? 0;
  seen.set(base, n + 1);
  return createHash('md5').update(`${base}\n${n}`).digest('hex');
}

/**
 * The GitLab code quality report: a JSON array of issues with the fields GitLab reads (description,
 * check_name, fingerprint, severity, location.path, location.lines.begin).
 */
export function codeQualityReport(report: Report): string {
  const seen = new Map<string, number>();
  const issues = report.findings.map((f) => {
    const resource = describeResource(f.resource);
    const rendered = f.location.rendered;
    const where = rendered ? ` (${rendered.by}, document ${rendered.document}, line ${rendered.line})` : '';
    return {
      type: 'issue',
      check_name: f.rule,
      description: `${resource ? `${resource}: ` : ''}${f.message}${where}`,
      categories: ['Bug Risk'],
      severity: SEVERITY[f.level],
      fingerprint: fingerprint(f, seen),
      location: { path: f.location.file, lines: { begin: f.location.line ?? 1 } },
      ...(f.fix ? { content: { body: f.fix } } : {}),
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
