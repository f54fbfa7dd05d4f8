/**
 * Kubernetes resource quantities (`500m`, `1Gi`, `1e3`): parsing and the canonical form the Kubernetes
 * API machinery prints. GitLab's devfile parser (Go, devfile/library) reads a container's
 * `memoryLimit`/`cpuRequest`/... and a volume's `size` into `resource.Quantity` values and prints them
 * back, so what reaches the cluster is the canonical form: `1024Mi` becomes `1Gi`, `1000m` becomes `1`,
 * `0.5` becomes `500m`. The renderer does the same so its output matches GitLab's byte for byte.
 *
 * Canonical form, as Kubernetes defines it: no fractional digits, the largest suffix of the quantity's
 * own family (binary `Ki..Ei`, decimal `n..E`, or a decimal exponent `e<3k>`) that keeps the number
 * whole; binary quantities below 1Ki or not a whole number of units are printed in the decimal family.
 * Precision finer than nano is rounded up. Pure; exact arithmetic with bigint.
 *
 * Shared by the devfile rules (which refuse what is not a quantity), the workspace renderer (which prints
 * the canonical form) and the agent config checks (which compare requests with limits).
 */

const NANO_PER_UNIT = 10n ** 9n;
const BINARY: ReadonlyArray<readonly [string, bigint]> = [
  ['Ki', 1n << 10n], ['Mi', 1n << 20n], ['Gi', 1n << 30n], ['Ti', 1n << 40n], ['Pi', 1n << 50n], ['Ei', 1n << 60n],
];
const DECIMAL_SUFFIX_EXPONENT: Readonly<Record<string, number>> = {
  n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18,
};
const DECIMAL_EXPONENT_SUFFIX: Readonly<Record<number, string>> = {
  [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E',
};

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

export interface Quantity {
  /** The value in nano-units (10^-9), exact. */
  readonly nano: bigint;
  readonly format: Format;
}

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E)?)$/;

/** Parses a quantity the way Kubernetes does; undefined when the text is not one. */
export function parseQuantity(text: string): Quantity | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const [, sign, number, binary, exponent, decimal] = m;
  const [whole, fraction = ''] = number.split('.');
  // value = digits * 10^(-fraction.length), scaled to nano with exact rational arithmetic.
  let numerator = BigInt((whole || '0') + fraction);
  let denominator = 10n ** BigInt(fraction.length);
  let format: Format;
  if (binary) {
    numerator *= BINARY.find(([s]) => s === binary)![1];
    format = 'BinarySI';
  } else if (exponent) {
    const e = Number(exponent.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > 1000) return undefined;
    if (e >= 0) numerator *= 10n ** BigInt(e);
    else denominator *= 10n ** BigInt(-e);
    format = 'DecimalExponent';
  } else {
    const e = DECIMAL_SUFFIX_EXPONENT[decimal ?? ''];
    if (e >= 0) numerator *= 10n ** BigInt(e);
    else denominator *= 10n ** BigInt(-e);
    format = 'DecimalSI';
  }
  numerator *= NANO_PER_UNIT;
  // Round up (away from zero) to whole nano-units, as Kubernetes does.
  let nano = numerator / denominator;
  if (numerator % denominator !== 0n) nano += 1n;
  return { nano: sign === '-' ? -nano : nano, format };
}

/** The canonical text of a quantity, e.g. `1Gi` for `1024Mi`. */
export function formatQuantity(q: Quantity): string {
  if (q.nano === 0n) return '0';
  const negative = q.nano < 0n;
  const abs = negative ? -q.nano : q.nano;
  const sign = negative ? '-' : '';
  if (q.format === 'BinarySI' && abs >= 1024n * NANO_PER_UNIT && abs % NANO_PER_UNIT === 0n) {
    const units = abs / NANO_PER_UNIT;
    for (let i = BINARY.length - 1; i >= 0; i--) {
      const [suffix, factor] = BINARY[i];
      if (units % factor === 0n) return `${sign}${units / factor}${suffix}`;
    }
    return `${sign}${units}`;
  }
  // Decimal: the largest exponent (a multiple of 3, from -9) that keeps the mantissa whole.
  let mantissa = abs;
  let exponent = -9;
  while (mantissa % 1000n === 0n && exponent < 18) {
    mantissa /= 1000n;
    exponent += 3;
  }
  const suffix = q.format === 'DecimalExponent' ? (exponent === 0 ? '' : `e${exponent}`) : DECIMAL_EXPONENT_SUFFIX[exponent];
  return `${sign}${mantissa}${suffix}`;
}

/** `text` in canonical form, or undefined when it is not a quantity. */
export function canonicalQuantity(text: string): string | undefined {
  const q = parseQuantity(text);
  return q && formatQuantity(q);
}

/** Compares two quantities exactly: negative when a < b, 0 when equal, positive when a > b. */
export function compareParsedQuantities(a: Quantity, b: Quantity): number {
  return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

/** What a quantity looks like, for messages that refuse one. */
export const QUANTITY_EXAMPLES = 'a number with an optional suffix, e.g. 512Mi, 2Gi, 500m or 1.5';
