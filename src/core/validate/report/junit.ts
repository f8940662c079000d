import type { Finding, Report, ResourceId } from '../types.ts';
import { describeLocation, describeResource, type FailOn, fails } from './where.ts';
import { xmlEscape } from './xml.ts';

interface Case {
  readonly name: string;
  readonly findings: Finding[];
  readonly skipped?: string;
}

function key(file: string, id: ResourceId): string {
  return `${file}\n${id.apiVersion}/${id.kind}/${id.namespace ?? ''}/${id.name}`;
}

/** Groups findings into test cases: one per resource, one per file for findings about no resource. */
function suites(report: Report): Map<string, Case[]> {
  const byFile = new Map<string, Case[]>();
  const cases = (file: string) => byFile.get(file) ?? byFile.set(file, []).get(file)!;
  const byResource = new Map<string, Finding[]>();
  const remaining = new Set<Finding>();
  for (const f of report.findings) {
    if (!f.resource) {
      remaining.add(f);
      continue;
    }
    const k = key(f.location.file, f.resource);
    const list = byResource.get(k);
    if (list) list.push(f);
    else byResource.set(k, [f]);
  }
  for (const resource of report.resources) {
    const k = key(resource.location.file, resource.id);
    const mine = byResource.get(k) ?? [];
    byResource.delete(k);
    cases(resource.location.file).push({
      name: describeResource(resource.id),
      findings: mine,
      ...(resource.skipped ? { skipped: resource.skipped } : {}),
    });
  }
  for (const list of byResource.values()) for (const f of list) remaining.add(f);
  for (const f of remaining) {
    const list = cases(f.location.file);
    const existing = list.find((c) => c.name === f.location.file);
    if (existing) existing.findings.push(f);
    else list.push({ name: f.location.file, findings: [f] });
  }
  return byFile;
}

function testcase(file: string, c: Case, failOn: FailOn): string {
  const head = `    <testcase name="${xmlEscape(c.name)}" classname="${xmlEscape(file)}" time="0">`;
  if (c.skipped) return `${head}\n      <skipped message="${xmlEscape(c.skipped)}"/>\n    </testcase>`;
  const failing = c.findings.filter((f) => fails(f, failOn));
  const other = c.findings.filter((f) => !fails(f, failOn));
  const parts = failing.map((f) => {
    const text = `${describeLocation(f.location)}: ${f.message}${f.fix ? `\nfix: ${f.fix}` : ''}`;
    return `      <failure type="${xmlEscape(f.rule)}" message="${xmlEscape(f.message)}">${xmlEscape(text)}</failure>`;
  });
  if (other.length > 0) {
    const text = other.map((f) => `${f.level} [${f.rule}] ${describeLocation(f.location)}: ${f.message}`).join('\n');
    parts.push(`      <system-out>${xmlEscape(text)}</system-out>`);
  }
  return parts.length === 0 ? `${head}</testcase>` : `${head}\n${parts.join('\n')}\n    </testcase>`;
}

/**
 * JUnit XML in the dialect of Jenkins' junit-10.xsd, which GitLab reads: a suite per file, a test case
 * per resource; findings at or above `fail-on` are failures, the rest go to system-out.
 */
export function junitReport(report: Report, failOn: FailOn): string {
  const out: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const [file, cases] of suites(report)) {
    const failed = cases.filter((c) => !c.skipped && c.findings.some((f) => fails(f, failOn))).length;
    const skipped = cases.filter((c) => c.skipped).length;
    tests += cases.length;
    failures += failed;
    out.push(
      `  <testsuite name="${xmlEscape(file)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="${skipped}" time="0">`,
    );
    for (const c of cases) out.push(testcase(file, c, failOn));
    out.push('  </testsuite>');
  }
  const head =
    `<testsuites name="baton validate (Kubernetes ${xmlEscape(report.kubernetesVersion)})" tests="${tests}" failures="${failures}" ` +
    `errors="0" time="0">`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${out.join('\n')}${out.length ? '\n' : ''}</testsuites>\n`;
}
