import type { Report } from '../types.ts';
import { codeQualityReport } from './codequality.ts';
import { jsonReport } from './json.ts';
import { junitReport } from './junit.ts';
import { type SarifTool, sarifReport } from './sarif.ts';
import { textReport } from './text.ts';
import type { FailOn } from './where.ts';

export { markdownSummary } from './markdown.ts';
export { summaryLine, textReport } from './text.ts';
export { describeLocation, describeResource, type FailOn, fails, reportFails } from './where.ts';
export type { SarifTool } from './sarif.ts';

/** The report formats `output` offers. */
export const REPORT_FORMATS = ['text', 'json', 'junit', 'sarif', 'codequality'] as const;

/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Renders a report in a format. */
export function formatReport(report: Report, format: ReportFormat, options: { failOn: FailOn; tool: SarifTool }): string {
  switch (format) {
    case 'text':
      return textReport(report);
    case 'json':
      return jsonReport(report);
    case 'junit':
      return junitReport(report, options.failOn);
    case 'sarif':
      return sarifReport(report, options.tool);
    case 'codequality':
      return codeQualityReport(report);
  }
}
