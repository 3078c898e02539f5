/** Server-rendered SVG charts: plain markup, readable without JavaScript, labelled for screen readers. */

export function BarChart({
  title,
  points,
  format,
  testId,
}: {
  title: string;
  points: { label: string; value: number }[];
  format: (v: number) => string;
  testId?: string;
}) {
  const width = 720;
  const height = 220;
  const pad = { top: 12, right: 8, bottom: 36, left: 8 };
  const max = Math.max(1, ...points.map((p) => p.value));
  const slot = (width - pad.left - pad.right) / Math.max(1, points.length);
  const bar = Math.max(2, Math.min(48, slot * 0.7));
  const every = Math.ceil(points.length / 12);
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={title}
      className="chart"
      data-testid={testId}
      style={{ width: "100%", height: "auto" }}
    >
      <title>{title}</title>
      {points.map((p, i) => {
        const h = ((height - pad.top - pad.bottom) * p.value) / max;
        const x = pad.left + i * slot + (slot - bar) / 2;
        return (
          <g key={p.label}>
            <rect x={x} y={height - pad.bottom - h} width={bar} height={h} fill="currentColor" opacity={0.75}>
              <title>{`${p.label}: ${format(p.value)}`}</title>
            </rect>
            {i % every === 0 ? (
              <text x={x + bar / 2} y={height - pad.bottom + 16} fontSize="11" textAnchor="middle" fill="currentColor">
                {p.label.slice(5)}
              </text>
            ) : null}
          </g>
        );
      })}
      <line x1={pad.left} x2={width - pad.right} y1={height - pad.bottom} y2={height - pad.bottom} stroke="currentColor" opacity={0.3} />
    </svg>
  );
}

/** Horizontal bars with labels and values: funnels, top products, shares. */
export function HBars({
  title,
  rows,
  format,
  testId,
}: {
  title: string;
  rows: { label: string; value: number }[];
  format: (v: number) => string;
  testId?: string;
}) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const rowH = 30;
  const width = 360;
  return (
    <svg
      viewBox={`0 0 ${width} ${rows.length * rowH + 4}`}
      role="img"
      aria-label={title}
      className="chart"
      data-testid={testId}
      style={{ width: "100%", height: "auto" }}
    >
      <title>{title}</title>
      {rows.map((r, i) => (
        <g key={`${r.label}-${i}`} transform={`translate(0, ${i * rowH})`}>
          <text x={0} y={19} fontSize="14" fill="currentColor">
            {r.label.length > 16 ? `${r.label.slice(0, 15)}…` : r.label}
          </text>
          <rect x={125} y={6} width={(130 * r.value) / max} height={18} fill="currentColor" opacity={0.7} />
          <text x={width - 2} y={19} fontSize="14" textAnchor="end" fill="currentColor">
            {format(r.value)}
          </text>
        </g>
      ))}
    </svg>
  );
}
