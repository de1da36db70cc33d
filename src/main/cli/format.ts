/** Human-readable counts for summaries: 1234567 → "1.23 M". */
export function formatCount(n: number): string {
  if (n < 10_000) return String(n);
  const units = ['k', 'M', 'G', 'T', 'P', 'E'];
  let v = n;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toPrecision(3)} ${units[i]}`;
}
