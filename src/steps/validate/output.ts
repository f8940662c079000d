import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BATON_VERSION } from '../../adapters/version.ts';
import {
  describeResource,
  type FailOn,
  fails,
  formatReport,
  markdownSummary,
  type ReportFormat,
  reportFails,
  type SarifTool,
  textReport,
} from '../../core/validate/report/index.ts';
import type { Finding, Report } from '../../core/validate/types.ts';
import { type Annotation, type StepContext, StepFailure, type StepResult } from '../shared/types.ts';
import type { ReportTarget } from './inputs.ts';

/** GitHub shows the first annotations of a step; the rest are in the summary and the reports. */
const MAX_ANNOTATIONS = 50;

/** The SARIF tool entry, with Baton's version from package.json. */
export const SARIF_TOOL: SarifTool = { name: 'baton validate', version: BATON_VERSION };

/**
 * The step failed its verdict (invalid manifests). It carries the full result so that a platform can
 * still publish outputs, summary and annotations before failing the step.
 */
export class ValidationFailed extends StepFailure {
  override name = 'ValidationFailed';
}

/** Annotations for the findings, errors first; for rendered output, at the source file when known. */
export function annotationsFor(report: Report): Annotation[] {
  const order: Finding['level'][] = ['error', 'warning', 'notice'];
  return order
    .flatMap((level) => report.findings.filter((f) => f.level === level))
    .slice(0, MAX_ANNOTATIONS)
    .map((f) => {
      const resource = describeResource(f.resource);
      const rendered = f.location.rendered;
      const where = rendered ? ` (${rendered.by}, document ${rendered.document}, line ${rendered.line})` : '';
      return {
        level: f.level,
        title: `baton validate: ${f.rule}`,
        message: `${resource ? `${resource}: ` : ''}${f.message}${where}${f.fix ? `\nFix: ${f.fix}` : ''}`,
        file: f.location.file,
        ...(f.location.line !== undefined ? { line: f.location.line, column: f.location.column ?? 1 } : {}),
      };
    });
}

/** Writes the report files; returns their paths as given. */
export async function writeReports(report: Report, targets: readonly ReportTarget[], failOn: FailOn, cwd: string): Promise<string[]> {
  const written: string[] = [];
  for (const target of targets) {
    const path = resolve(cwd, target.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, formatReport(report, target.format, { failOn, tool: SARIF_TOOL }));
    written.push(target.path);
  }
  return written;
}

/** Prints the report in the chosen format when it is not written to a file. */
export function printReport(report: Report, format: ReportFormat, failOn: FailOn, context: StepContext): void {
  const text = format === 'text' ? textReport(report) : formatReport(report, format, { failOn, tool: SARIF_TOOL });
  for (const line of text.trimEnd().split('\n')) context.log.info(line);
}

/**
 * The step's result; throws {@link ValidationFailed} (exit 1) when a finding reaches fail-on. `logged`
 * says the report was printed in the log (no output-file), so the command line need not repeat it.
 */
export function settleResult(report: Report, title: string, failOn: FailOn, reportFiles: readonly string[], logged = false): StepResult {
  const failed = reportFails(report, failOn);
  const c = report.counts;
  const result: StepResult = {
    outputs: {
      valid: String(!failed),
      resources: String(c.resources),
      files: String(c.files),
      errors: String(c.errors),
      warnings: String(c.warnings),
      skipped: String(c.skipped),
      'report-files': reportFiles.join('\n'),
    },
    summary: markdownSummary(report, title, failed),
    annotations: annotationsFor(report),
    logged,
  };
  if (failed) {
    const failing = report.findings.filter((f) => fails(f, failOn)).length;
    throw new ValidationFailed(
      `validate: ${failing} finding(s) at ${failOn} level or above in ${c.resources} resource(s); see the report above.`,
      result,
    );
  }
  return result;
}
