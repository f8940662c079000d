/** drift's outputs, reports and summary. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { driftCounts, driftJson, driftJunit, driftSummary } from '../../core/drift/report.ts';
import type { DriftReport } from '../../core/drift/types.ts';
import type { DriftReportTarget } from './inputs.ts';

/** Writes the asked reports; returns their paths as given. */
export async function writeDriftReports(
  report: DriftReport,
  targets: readonly DriftReportTarget[],
  suite: string,
  cwd: string,
): Promise<string[]> {
  for (const target of targets) {
    const file = resolve(cwd, target.path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, target.format === 'json' ? driftJson(report) : driftJunit(report, suite));
  }
  return targets.map((t) => t.path);
}

/** Every output, as strings. */
export function driftOutputs(
  report: DriftReport,
  extra: { reportPaths: readonly string[]; issueUrl: string; remediated: boolean },
): Record<string, string> {
  const counts = driftCounts(report);
  return {
    verdict: report.verdict,
    drifted: String(report.verdict === 'drifted'),
    checked: String(report.checked),
    'drifted-count': String(counts.drifted),
    missing: String(counts.missing),
    changed: String(counts.changed),
    extra: String(counts.extra),
    unreadable: String(counts.unreadable),
    details: JSON.stringify(report.drifts),
    'report-paths': extra.reportPaths.join(','),
    'issue-url': extra.issueUrl,
    remediated: String(extra.remediated),
  };
}

export { driftSummary };
