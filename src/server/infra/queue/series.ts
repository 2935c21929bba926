/** Per-minute counts of the given times (ms): `minutes` buckets, oldest first, the current minute last. */
export function minuteBuckets(times: number[], minutes: number, now = Date.now()): number[] {
  const series = new Array<number>(minutes).fill(0);
  const current = Math.floor(now / 60_000);
  for (const t of times) {
    const age = current - Math.floor(t / 60_000);
    if (age >= 0 && age < minutes) series[minutes - 1 - age]!++;
  }
  return series;
}
