/** One bar: a label, its value, and whether it is the row the chart is about. */
export interface BarChartBar {
  label: string;
  value: number;
  /** Drawn in the accent colour (our library's rows). */
  emphasis?: boolean;
}

/** Bars under one heading; every group shares the chart's scale so groups compare. */
export interface BarChartGroup {
  title: string;
  bars: readonly BarChartBar[];
}

export interface BarChart {
  title: string;
  subtitle?: string;
  groups: readonly BarChartGroup[];
  /** The text written after each bar, e.g. `12,345 msg/s`. */
  formatValue(value: number): string;
}

const WIDTH = 760;
const PADDING = 20;
const BAR_HEIGHT = 16;
const ROW_HEIGHT = 24;
const GROUP_TITLE_HEIGHT = 28;
const VALUE_TEXT_WIDTH = 110;
/** A value this many times the next smaller one is an outlier the scale is not stretched for. */
const OUTLIER_FACTOR = 4;
/** Rough width of one character at the label size; no fonts are measured, so labels get room to spare. */
const LABEL_CHAR_WIDTH = 6.9;
const FONT = `-apple-system, BlinkMacSystemFont, 'Segoe UI', 'Noto Sans', Helvetica, Arial, sans-serif`;

/**
 * Its own background, text colours for light and dark (prefers-color-scheme, which an `<img>` on
 * GitHub follows), and bar colours that read on either: the card stays legible whichever theme
 * the page and the SVG disagree on.
 */
const STYLE = `
    .card { fill: #ffffff; stroke: #d1d9e0; }
    .text { fill: #1f2328; }
    .muted { fill: #59636e; }
    .axis { stroke: #d1d9e0; }
    .bar { fill: #8c959f; }
    .bar.emphasis { fill: #0969da; }
    .break { stroke: #ffffff; }
    @media (prefers-color-scheme: dark) {
      .card { fill: #0d1117; stroke: #3d444d; }
      .text { fill: #f0f6fc; }
      .muted { fill: #9198a1; }
      .axis { stroke: #3d444d; }
      .bar { fill: #656c76; }
      .bar.emphasis { fill: #4493f8; }
      .break { stroke: #0d1117; }
    }`;

/** A horizontal bar chart as a standalone SVG document, with no dependencies and no script. */
export function barChartSvg(chart: BarChart): string {
  const bars = chart.groups.flatMap((group) => group.bars);
  const longestLabel = Math.max(0, ...bars.map((bar) => bar.label.length));
  const labelWidth = Math.max(120, Math.ceil(longestLabel * LABEL_CHAR_WIDTH) + 12);
  const barsLeft = PADDING + labelWidth;
  const barsWidth = WIDTH - barsLeft - PADDING - VALUE_TEXT_WIDTH;
  const scaleMax = scaleMaximum(bars.map((bar) => (Number.isFinite(bar.value) ? bar.value : 0)));
  const scale = scaleMax > 0 ? barsWidth / scaleMax : 0;
  let anyCut = false;

  const parts: string[] = [];
  let y = PADDING + 16;
  parts.push(text(PADDING, y, chart.title, 'text', 16, 'bold'));
  if (chart.subtitle) {
    y += 20;
    parts.push(text(PADDING, y, chart.subtitle, 'muted', 12));
  }
  y += 12;
  for (const group of chart.groups) {
    y += GROUP_TITLE_HEIGHT;
    parts.push(text(PADDING, y - 8, group.title, 'text', 13, 'bold'));
    const groupTop = y;
    for (const bar of group.bars) {
      const middle = y + ROW_HEIGHT / 2;
      const value = Number.isFinite(bar.value) ? bar.value : 0;
      const cut = value > scaleMax;
      const length = cut ? barsWidth : Math.max(value * scale, value > 0 ? 1 : 0);
      parts.push(
        text(
          barsLeft - 8,
          middle + 4,
          bar.label,
          bar.emphasis ? 'text' : 'muted',
          12,
          bar.emphasis ? 'bold' : '',
          'end',
        ),
        `<rect class="bar${bar.emphasis ? ' emphasis' : ''}" x="${barsLeft}" y="${round(middle - BAR_HEIGHT / 2)}" ` +
          `width="${round(length)}" height="${BAR_HEIGHT}" rx="2"/>`,
        ...(cut ? [breakMark(barsLeft + barsWidth - 24, middle)] : []),
        text(barsLeft + length + 6, middle + 4, chart.formatValue(bar.value), 'text', 12),
      );
      anyCut ||= cut;
      y += ROW_HEIGHT;
    }
    parts.push(`<line class="axis" x1="${barsLeft}" y1="${groupTop}" x2="${barsLeft}" y2="${y}" stroke-width="1"/>`);
  }
  if (anyCut) {
    y += 22;
    parts.push(
      text(
        PADDING,
        y,
        'A bar with a break is cut short to keep the others readable; its value is beside it.',
        'muted',
        11,
      ),
    );
  }
  const height = y + PADDING;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
      `role="img" aria-labelledby="chart-title" font-family="${escapeXml(FONT)}">`,
    `  <title id="chart-title">${escapeXml(chart.title)}</title>`,
    `  <style>${STYLE}\n  </style>`,
    `  <rect class="card" x="0.5" y="0.5" width="${WIDTH - 1}" height="${height - 1}" rx="6"/>`,
    ...parts.map((part) => `  ${part}`),
    '</svg>',
    '',
  ].join('\n');
}

/**
 * The largest value, unless a few values (a quarter of the bars at most) are more than
 * OUTLIER_FACTOR times the next one: then a little more than that next one, and the bars above
 * it are drawn cut (an axis break), since an outlier would squash every other bar to a sliver.
 */
function scaleMaximum(values: readonly number[]): number {
  const sorted = values.filter((value) => value > 0).sort((a, b) => b - a);
  const outliersAtMost = Math.max(1, Math.floor(sorted.length / 4));
  for (let index = 0; index < outliersAtMost && index + 1 < sorted.length; index++) {
    const next = sorted[index + 1]!;
    if (sorted[index]! > OUTLIER_FACTOR * next) return next * 1.25;
  }
  return sorted[0] ?? 0;
}

/** Two slanted strokes in the background colour across a bar: the sign of a cut bar. */
function breakMark(x: number, middle: number): string {
  const top = round(middle - BAR_HEIGHT / 2 - 2);
  const bottom = round(middle + BAR_HEIGHT / 2 + 2);
  return [0, 6]
    .map(
      (offset) =>
        `<line class="break" x1="${round(x + offset)}" y1="${bottom}" x2="${round(x + offset + 5)}" y2="${top}" stroke-width="3"/>`,
    )
    .join('');
}

function text(
  x: number,
  y: number,
  content: string,
  className: string,
  size: number,
  weight = '',
  anchor: 'start' | 'end' = 'start',
): string {
  const attributes = [
    `class="${className}"`,
    `x="${round(x)}"`,
    `y="${round(y)}"`,
    `font-size="${size}"`,
    ...(weight ? [`font-weight="${weight}"`] : []),
    ...(anchor === 'end' ? ['text-anchor="end"'] : []),
  ];
  return `<text ${attributes.join(' ')}>${escapeXml(content)}</text>`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escapeXml(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    (char) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[char]};`,
  );
}
