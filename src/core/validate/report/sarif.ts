import { RULES } from '../rules.ts';
import type { Finding, Level, Report } from '../types.ts';
import { describeResource, pointAt } from './where.ts';

/** What the SARIF log says about the tool. */
export interface SarifTool {
  readonly name: string;
  readonly version: string;
  readonly informationUri?: string;
}

const SARIF_LEVEL: Readonly<Record<Level, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', notice: 'note' };

function region(f: Finding): Record<string, number> | undefined {
  const at = pointAt(f.location);
  return at.line === undefined ? undefined : { startLine: at.line, startColumn: at.column ?? 1 };
}

function result(f: Finding) {
  const r = region(f);
  const rendered = f.location.rendered;
  const resource = describeResource(f.resource);
  return {
    ruleId: f.rule,
    ruleIndex: RULES.findIndex((rule) => rule.id === f.rule),
    level: SARIF_LEVEL[f.level],
    message: { text: `${resource ? `${resource}: ` : ''}${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: encodeURI(f.location.file) }, ...(r ? { region: r } : {}) },
        ...(f.location.path
          ? { logicalLocations: [{ fullyQualifiedName: `${resource || f.location.file}${f.location.path}`, kind: 'member' }] }
          : {}),
      },
    ],
    ...(rendered
      ? {
          properties: {
            renderedBy: rendered.by,
            renderedDocument: rendered.document,
            renderedLine: rendered.line,
            renderedColumn: rendered.column,
          },
        }
      : {}),
  };
}

/** A SARIF 2.1.0 log with one run: every rule described, every finding a result (GitHub code scanning reads it). */
export function sarifReport(report: Report, tool: SarifTool): string {
  const rules = RULES.map((rule) => ({
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.title },
    help: { text: rule.help },
    defaultConfiguration: {
      level: rule.defaultLevel === 'off' ? 'none' : SARIF_LEVEL[rule.defaultLevel],
      enabled: rule.defaultLevel !== 'off',
    },
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
            rules,
          },
        },
        results: report.findings.map(result),
        properties: { kubernetesVersion: report.kubernetesVersion, counts: report.counts },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
