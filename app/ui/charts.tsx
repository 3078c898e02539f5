/**
 * Charts: d3-scale computes the layout (nice axis ticks, bands, widths) and React renders plain
 * SVG on the server, so every chart is readable without JavaScript. Each bar carries a <title>
 * (the browser's own tooltip without JavaScript); with JavaScript a styled tooltip follows the
 * pointer and the keyboard focus. Labels that would overflow are cut with "…" and keep their full
 * text in the <title>.
 */
import { scaleBand, scaleLinear } from "d3-scale";
import { type ReactNode, useState } from "react";

export type ChartPoint = { label: string; value: number; detail?: string };

/** A short number for axis ticks: 1200 → "1.2k" (the same on server and browser, no Intl). */
export function shortNumber(n: number): string {
  const abs = Math.abs(n);
  const trim = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1).replace(/\.0$/, ""));
  if (abs >= 1_000_000) return `${trim(n / 1_000_000)}M`;
  if (abs >= 1_000) return `${trim(n / 1_000)}k`;
  return trim(n);
}

/** Cuts text to at most `max` characters, ending in "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}

/** The svg of a chart (titled, for screen readers and the browser's tooltip) with the styled tooltip over it. */
function ChartFrame(props: {
  width: number;
  height: number;
  title: string;
  testId?: string;
  tip: { x: number; y: number; text: string } | null;
  onLeave: () => void;
  children: ReactNode;
}) {
  return (
    <div className="chart-frame" onMouseLeave={props.onLeave}>
      <svg
        viewBox={`0 0 ${props.width} ${props.height}`}
        role="img"
        aria-label={props.title}
        className="chart"
        data-testid={props.testId}
        style={{ width: "100%", height: "auto" }}
      >
        <title>{props.title}</title>
        {props.children}
      </svg>
      <Tooltip tip={props.tip} />
    </div>
  );
}

function Tooltip({ tip }: { tip: { x: number; y: number; text: string } | null }) {
  if (!tip) return null;
  return (
    <div className="chart-tooltip" role="status" style={{ left: `${tip.x}%`, top: `${tip.y}%` }} data-testid="chart-tooltip">
      {tip.text}
    </div>
  );
}

/**
 * Vertical bars over time: a y axis with nice ticks and values, the period's labels on the x axis
 * (thinned to fit), the value above each bar when there are few bars. `counts`: the values are
 * whole numbers (shops, orders), so the axis has no ticks between them.
 */
export function ColumnChart({
  title,
  points,
  format,
  tick = (v) => shortNumber(v),
  counts = false,
  testId,
}: {
  title: string;
  points: ChartPoint[];
  format: (v: number) => string;
  tick?: (v: number) => string;
  counts?: boolean;
  testId?: string;
}) {
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const width = 720;
  const height = 280;
  const pad = { top: 24, right: 12, bottom: 40, left: 64 };
  const max = Math.max(0, ...points.map((p) => p.value));
  const y = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .nice(5)
    .range([height - pad.bottom, pad.top]);
  const x = scaleBand<number>()
    .domain(points.map((_, i) => i))
    .range([pad.left, width - pad.right])
    .paddingInner(0.25)
    .paddingOuter(0.15);
  const every = Math.max(1, Math.ceil(points.length / 10));
  const showValues = points.length <= 14;
  return (
    <ChartFrame width={width} height={height} title={title} testId={testId} tip={tip} onLeave={() => setTip(null)}>
      <g className="chart-axis" data-testid={testId ? `${testId}-y-axis` : undefined}>
        {y
          .ticks(5)
          .filter((v) => !counts || Number.isInteger(v))
          .map((v) => (
            <g key={v} transform={`translate(0, ${y(v)})`}>
              <line x1={pad.left} x2={width - pad.right} stroke="currentColor" opacity={v === 0 ? 0.4 : 0.12} />
              <text x={pad.left - 8} dy="0.32em" fontSize="12" textAnchor="end" fill="currentColor" opacity={0.75}>
                {tick(v)}
              </text>
            </g>
          ))}
      </g>
      {points.map((p, i) => {
        const x0 = x(i) ?? 0;
        const top = y(p.value);
        const text = `${p.detail ?? p.label}: ${format(p.value)}`;
        const show = () => setTip({ x: ((x0 + x.bandwidth() / 2) / width) * 100, y: (top / height) * 100, text });
        return (
          <g key={`${p.label}-${i}`} className="chart-bar">
            <rect
              x={x0}
              y={top}
              width={x.bandwidth()}
              height={Math.max(0, height - pad.bottom - top)}
              rx={2}
              fill="var(--chart-colour, var(--brand))"
              tabIndex={0}
              onMouseEnter={show}
              onFocus={show}
              onBlur={() => setTip(null)}
            >
              <title>{text}</title>
            </rect>
            {showValues && p.value > 0 ? (
              <text x={x0 + x.bandwidth() / 2} y={top - 6} fontSize="11" textAnchor="middle" fill="currentColor" className="chart-value">
                {tick(p.value)}
              </text>
            ) : null}
            {i % every === 0 ? (
              <text
                x={x0 + x.bandwidth() / 2}
                y={height - pad.bottom + 18}
                fontSize="12"
                textAnchor="middle"
                fill="currentColor"
                opacity={0.8}
              >
                {p.label}
              </text>
            ) : null}
          </g>
        );
      })}
    </ChartFrame>
  );
}

/**
 * Horizontal bars with a label column (cut to fit, full text in the <title>) and the value after
 * each bar: top products, shares. `note` adds a second, muted figure after the value.
 */
export function BarList({
  title,
  rows,
  format,
  testId,
  labelChars = 28,
}: {
  title: string;
  rows: (ChartPoint & { note?: string })[];
  format: (v: number) => string;
  testId?: string;
  labelChars?: number;
}) {
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const width = 640;
  const rowH = 34;
  const labelW = 220;
  const valueW = 150;
  const height = rows.length * rowH + 4;
  const max = Math.max(0, ...rows.map((r) => r.value));
  const w = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .range([0, width - labelW - valueW - 8]);
  const band = scaleBand<number>()
    .domain(rows.map((_, i) => i))
    .range([0, rows.length * rowH])
    .paddingInner(0.3);
  return (
    <ChartFrame width={width} height={height} title={title} testId={testId} tip={tip} onLeave={() => setTip(null)}>
      {rows.map((r, i) => {
        const top = band(i) ?? 0;
        const mid = top + band.bandwidth() / 2;
        const full = `${r.detail ?? r.label}: ${format(r.value)}${r.note ? ` (${r.note})` : ""}`;
        const show = () => setTip({ x: ((labelW + w(r.value)) / width) * 100, y: (top / height) * 100, text: full });
        return (
          <g key={`${r.label}-${i}`} className="chart-bar" data-label={r.label}>
            <text x={0} y={mid} dy="0.32em" fontSize="14" fill="currentColor" className="chart-label">
              <title>{r.label}</title>
              {truncate(r.label, labelChars)}
            </text>
            <rect
              x={labelW}
              y={top}
              width={Math.max(r.value > 0 ? 2 : 0, w(r.value))}
              height={band.bandwidth()}
              rx={3}
              fill="var(--chart-colour, var(--brand))"
              opacity={0.85}
              tabIndex={0}
              onMouseEnter={show}
              onFocus={show}
              onBlur={() => setTip(null)}
            >
              <title>{full}</title>
            </rect>
            <text x={labelW + w(r.value) + 8} y={mid} dy="0.32em" fontSize="13" fill="currentColor" className="chart-value">
              {format(r.value)}
              {r.note ? <tspan opacity={0.65}>{` · ${r.note}`}</tspan> : null}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}

/** Conversion from one step to the next, as a percentage with one decimal ("–" from zero). */
export function conversionRate(from: number, to: number): string {
  if (from <= 0) return "–";
  return `${((to / from) * 100).toFixed(1).replace(/\.0$/, "")}%`;
}

/**
 * A funnel: one bar per step, each with its count, the conversion from the step before and from
 * the first step.
 */
export function FunnelChart({
  title,
  steps,
  format,
  labels,
  testId,
}: {
  title: string;
  steps: ChartPoint[];
  format: (v: number) => string;
  labels: { fromPrevious: string; overall: string };
  testId?: string;
}) {
  const rows = steps.map((s, i) => ({
    ...s,
    note: i === 0 ? undefined : `${conversionRate(steps[i - 1].value, s.value)} ${labels.fromPrevious}`,
  }));
  const first = steps[0]?.value ?? 0;
  const last = steps[steps.length - 1]?.value ?? 0;
  return (
    <>
      <BarList title={title} rows={rows} format={format} testId={testId} labelChars={18} />
      <p className="small" data-testid={testId ? `${testId}-overall` : undefined}>
        {labels.overall}: <strong>{conversionRate(first, last)}</strong>
      </p>
    </>
  );
}

/** A period's label from its first day (YYYY-MM-DD): "7/12" for a day or week, "12/2026" for a month. */
export function periodLabel(bucket: string, granularity: "day" | "week" | "month"): string {
  const [y, m, d] = bucket.split("-").map(Number);
  if (!y || !m || !d) return bucket;
  return granularity === "month" ? `${m}/${y}` : `${d}/${m}`;
}
