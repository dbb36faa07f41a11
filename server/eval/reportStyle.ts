/**
 * The exported report's stylesheet, inlined in its <style> (the report's CSP allows no other). Light and dark
 * schemes follow the reader's system; series colours c0..c7 are classes the SVG drawings (reportSvg.ts) use.
 */

export const REPORT_STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --border: #d1d9e0;
  --c0: #1f6feb; --c1: #d1600b; --c2: #1a7f37; --c3: #8250df; --c4: #bf3989; --c5: #0a7c86; --c6: #9a6700; --c7: #57606a;
  --heat: #1f6feb; --bar: #1f6feb; --warn: #9a6700; --warn-bg: #fff8c5; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --border: #3d444d;
    --c0: #4493f8; --c1: #f0883e; --c2: #3fb950; --c3: #ab7df8; --c4: #db61a2; --c5: #39c5cf; --c6: #d29922; --c7: #9198a1;
    --heat: #4493f8; --bar: #4493f8; --warn: #d29922; --warn-bg: #2e2a1a; }
}
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.02em; margin: 18px 0 4px; }
p, li { max-width: 980px; }
.muted { color: var(--muted); }
.banner { margin: 14px 0 20px; padding: 10px 14px; border: 2px solid var(--warn); background: var(--warn-bg); border-radius: 6px; font-weight: 600; }
.callout { border-left: 4px solid var(--warn); background: var(--panel); padding: 8px 14px; margin: 14px 0; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--panel); padding: 1px 4px; border-radius: 3px; word-break: break-all; }
table { border-collapse: collapse; margin: 8px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 5px 14px 5px 0; }
table.grid th, table.grid td { border-bottom: 1px solid var(--border); padding: 6px 16px 6px 0; }
table.grid thead th { color: var(--muted); font-weight: 600; white-space: nowrap; }
table.grid tbody th { font-weight: 600; white-space: nowrap; }
table.facts th { color: var(--muted); font-weight: 600; white-space: nowrap; padding-right: 20px; }
table.headline td { font-size: 1.08em; }
table.verdicts { width: 100%; }
table.verdicts th { white-space: normal; }
table.verdicts tbody th { font-weight: 400; }
table.verdicts td:first-child, table.verdicts th:first-child { min-width: 16em; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
table.grid thead th.num { text-align: right; }
.tag { font-size: 0.8em; color: var(--warn); border: 1px solid var(--warn); border-radius: 8px; padding: 0 6px; white-space: nowrap; }
.plots { display: flex; flex-wrap: wrap; gap: 18px 24px; align-items: flex-start; }
figure.plot { margin: 10px 0; max-width: 100%; }
figure.plot figcaption { font-weight: 600; margin-bottom: 6px; }
svg { display: block; max-width: 100%; height: auto; overflow: visible; }
svg text { fill: var(--fg); font-family: system-ui, sans-serif; }
svg .tick { font-size: 12px; fill: var(--muted); }
svg .axis-title { font-size: 12px; fill: var(--muted); }
svg .gridline { stroke: var(--border); stroke-width: 1; }
svg .frame { fill: none; stroke: var(--border); }
svg .marker { stroke: var(--muted); stroke-dasharray: 2 3; }
svg .line { fill: none; stroke-width: 2.2; stroke-linejoin: round; }
svg .dashed, .swatch.dashed { stroke-dasharray: 6 4; }
svg .bar { fill: var(--bar); fill-opacity: 0.55; stroke: var(--bar); }
svg .cm-cell { fill: var(--heat); stroke: var(--bg); stroke-width: 2; }
svg .cm-count { font-size: 16px; font-weight: 600; }
svg .cm-share { font-size: 11.5px; }
svg .on-dark { fill: #ffffff; }
${[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `svg .line.c${i} { stroke: var(--c${i}); } .swatch.c${i} { border-color: var(--c${i}); }`).join('\n')}
svg .line.ideal { stroke: var(--muted); stroke-width: 1.4; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.88em; }
.key { white-space: nowrap; }
.swatch { display: inline-block; width: 22px; height: 0; border-top: 3px solid var(--muted); vertical-align: middle; margin-right: 6px; }
.swatch.dashed { border-top-style: dashed; }
.swatch.barkey { height: 10px; border: 1px solid var(--bar); background: var(--bar); opacity: 0.6; }
.swatch.ideal { border-color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 0.9em; }
@media print { .plots { break-inside: avoid; } h2 { break-after: avoid; } }
`;

