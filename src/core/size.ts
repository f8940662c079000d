import { UserError } from './errors.ts';

const SIZE_RE = /^(\d+)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i;
const UNITS: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

/** Parses a size such as `4MiB`, `512KiB` or `1048576` into bytes; `input` names the input in the error. */
export function parseSize(text: string, input: string): number {
  const match = SIZE_RE.exec(text.trim());
  const bytes = match === null ? Number.NaN : Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new UserError(`${input}: "${text}" is not a size; write bytes (1048576) or a number with KiB, MiB or GiB (4MiB).`, { input });
  }
  return bytes;
}
