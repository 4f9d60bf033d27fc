/**
 * The most events inside any sliding window of `windowMs` (half-open: [t, t + windowMs)), the way
 * a sliding-window rate limit counts them. `times` are epoch ms in any order.
 */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first += 1;
    max = Math.max(max, last - first + 1);
  }
  return max;
}
