/** A Markdown table; cells are written as given, so callers format numbers. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  alignRight = true,
): string {
  const separator = headers.map((_, index) => (index === 0 || !alignRight ? '---' : '---:'));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(headers), line(separator), ...rows.map(line)].join('\n');
}

/** `12345.6` → `12,346`. */
export function formatInteger(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

/** Milliseconds with precision that suits their size. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}
