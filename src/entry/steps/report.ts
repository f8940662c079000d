import { defaultReportDeps, reportStep } from '../../steps/report/step.ts';
import type { Step } from '../../steps/shared/types.ts';

/** report with its side effects wired; bundled alone into dist/cli/report.cjs. */
export function load(): Step {
  return reportStep(defaultReportDeps());
}
