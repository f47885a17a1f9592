/**
 * Deterministic randomness and formatting helpers for the generator. Everything here is pure:
 * a value depends only on its arguments, so any record can be rebuilt from (seed, entity, index,
 * version) without remembering earlier records. All functions are O(1) and allocation-free
 * except the formatters, which return one short string.
 */

/** 32-bit avalanche mix (lowbias32). Returns an unsigned 32-bit integer. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hash of four 32-bit integers (indices must be < 2^32). Returns an unsigned 32-bit integer. */
export function hash4(a: number, b: number, c: number, d: number): number {
  let h = mix32((a ^ 0x9e3779b9) >>> 0);
  h = mix32((h ^ Math.imul(b + 1, 0x85ebca6b)) >>> 0);
  h = mix32((h ^ Math.imul((c >>> 0) + 0x27d4eb2f, 0xc2b2ae35)) >>> 0);
  h = mix32((h ^ Math.imul((d >>> 0) + 0x165667b1, 0x27d4eb2f)) >>> 0);
  return h;
}

/** Uniform float in [0,1) from a hash of four integers. O(1). */
export function unit4(a: number, b: number, c: number, d: number): number {
  return hash4(a, b, c, d) / 4294967296;
}

/**
 * A small seeded PRNG (mulberry32), reseedable so one instance is reused for millions of records
 * without allocating. `reset(seed, entity, index, version)` makes the stream a pure function of
 * those four numbers.
 */
export class Rng {
  private s = 0;
  reset(a: number, b: number, c: number, d: number): this {
    this.s = hash4(a, b, c, d);
    return this;
  }
  /** Uniform float in [0,1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** (a * b) mod m for a, b < m < 2^32 without losing precision (splits b into 16-bit halves). */
export function mulmod(a: number, b: number, m: number): number {
  const hi = (a * Math.floor(b / 65536)) % m;
  return (hi * 65536 + a * (b % 65536)) % m;
}

/**
 * A bijection of [0, m) onto itself, i -> (i*A + B) mod m, with A coprime to m derived from the
 * seed. Used to spread sequential indices over a name space so that distinct indices always
 * give distinct names (uniqueness without a Set). m must be < 2^32.
 */
export class AffinePerm {
  readonly a: number;
  readonly b: number;
  constructor(readonly m: number, seed: number, salt: number) {
    if (m < 1 || m >= 2 ** 32) throw new RangeError(`permutation size out of range: ${m}`);
    let a = (hash4(seed, salt, 1, 0) % m) | 1;
    if (m > 2) a = Math.max(a, 1);
    while (gcd(a, m) !== 1) a = (a + 1) % m || 1;
    this.a = a;
    this.b = hash4(seed, salt, 2, 0) % m;
  }
  apply(i: number): number {
    return (mulmod(i, this.a, this.m) + this.b) % this.m;
  }
}

const P2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? "0" : "") + i);
const P3: string[] = Array.from({ length: 1000 }, (_, i) => (i < 10 ? "00" : i < 100 ? "0" : "") + i);

/** Civil date (y, m, d) from days since 1970-01-01 (Howard Hinnant's algorithm). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

/** Days since 1970-01-01 of a civil date. */
export function daysFromCivil(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / 86400000);
}

const dayCache = new Map<number, string>();
/** "YYYY-MM-DD" for days since the epoch (memoised; the cache is bounded). */
export function fmtDay(days: number): string {
  let s = dayCache.get(days);
  if (s === undefined) {
    const [y, m, d] = civilFromDays(days);
    s = `${y}-${P2[m]}-${P2[d]}`;
    if (dayCache.size > 50000) dayCache.clear();
    dayCache.set(days, s);
  }
  return s;
}

/**
 * ISO timestamp with milliseconds and a colon-less offset, as the real files write them:
 * fmtTs(ms, 60) -> "2021-12-06T19:30:19.099+0100". `ms` is UTC epoch milliseconds; the
 * wall-clock time shown is shifted by `offsetMin`. Allocation: one string.
 */
export function fmtTs(ms: number, offsetMin: number): string {
  const local = ms + offsetMin * 60000;
  const days = Math.floor(local / 86400000);
  let rem = local - days * 86400000;
  const h = Math.floor(rem / 3600000);
  rem -= h * 3600000;
  const mi = Math.floor(rem / 60000);
  rem -= mi * 60000;
  const s = Math.floor(rem / 1000);
  const msec = rem - s * 1000;
  const sign = offsetMin < 0 ? "-" : "+";
  const off = Math.abs(offsetMin);
  return `${fmtDay(days)}T${P2[h]}:${P2[mi]}:${P2[s]}.${P3[msec]}${sign}${P2[Math.floor(off / 60)]}${P2[off % 60]}`;
}
