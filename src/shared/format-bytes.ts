const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** A size in bytes as the CLI and the app both show it, in binary units: "512 B", "1.50 KiB", "3.00 GiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  // Three significant digits, without toPrecision's exponent for values that round up to 1000 or more.
  return `${value >= 100 ? value.toFixed(0) : value.toPrecision(3)} ${BINARY_UNITS[unit]}`;
}
