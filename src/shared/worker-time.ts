/** A fleet's estimated work in words: "about 3.2 worker-hours", "about 12 worker-minutes", "under a worker-minute". */
export function formatWorkerTime(hours: number): string {
  const minutes = hours * 60;
  if (minutes < 1) return 'under a worker-minute';
  const amount = hours >= 10 ? `${Math.round(hours)} worker-hours` : hours >= 0.1 ? `${hours.toFixed(1)} worker-hours` : `${Math.round(minutes)} worker-minutes`;
  return `about ${amount}`;
}
