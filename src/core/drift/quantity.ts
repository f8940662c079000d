/**
 * Kubernetes resource quantities (`resource.Quantity`): `1000m` is `1`, `1Gi` is `1024Mi`, `1e3` is
 * `1k`. Compared as exact rationals, not floats, so `0.1` and `100m` are equal and `1Gi` is not
 * `1.073741824G` rounded. Written here rather than taken from @kubernetes/client-node: its
 * `quantityToScalar` throws on fractional binary forms (`1.5Gi`), mixes floats and BigInts, and core
 * stays free of the Kubernetes client.
 */

const BINARY: Readonly<Record<string, bigint>> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const QUANTITY_RE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/** A quantity as an exact fraction numerator / 10^scale. */
interface Exact {
  readonly numerator: bigint;
  readonly scale: number;
}

/** Parses a quantity; undefined when the text is not one. */
export function parseQuantity(value: unknown): Exact | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? parseQuantity(String(value)) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY_RE.exec(value.trim());
  if (!m) return undefined;
  const [, sign, digits = '', suffix = '', exponent] = m;
  const [whole = '', fraction = ''] = digits.split('.');
  let numerator = BigInt(`${whole || '0'}${fraction}`) * (sign === '-' ? -1n : 1n);
  let scale = fraction.length;
  if (suffix in BINARY) numerator *= BINARY[suffix]!;
  else scale -= exponent !== undefined ? Number(exponent) : DECIMAL[suffix]!;
  if (scale < 0) {
    numerator *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { numerator, scale };
}

/** True when both are quantities of the same amount. */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (!x || !y) return false;
  const scale = Math.max(x.scale, y.scale);
  return x.numerator * 10n ** BigInt(scale - x.scale) === y.numerator * 10n ** BigInt(scale - y.scale);
}
