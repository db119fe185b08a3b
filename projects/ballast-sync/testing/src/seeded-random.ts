/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same sequence of
 * numbers in [0, 1), on every platform. Good for reproducible faults, not for cryptography.
 */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random seed, for when the caller gave none (reported so that a failing run can be replayed). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
