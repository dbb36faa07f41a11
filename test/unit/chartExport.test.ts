/**
 * Chart export: the SVG documents built from chart data (rendered by a real SVG renderer, librsvg through sharp,
 * to show they are valid and draw what they should) and the extension's check of the images a page sends.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { escapeXml, heatmapSvg, lineChartSvg, niceTicks, type SvgColors } from '../../webview/chartSvg';
import { chartImageBytes, isSafeSvg, MAX_CHART_IMAGE, parseChartImage, pngBytes } from '../../extension/panels/chartImageMessages';
import { parseFromTrainingView } from '../../extension/panels/trainingMessages';
import { parseFromMetricsView } from '../../extension/panels/metricsMessages';

const COLORS: SvgColors = { background: '#ffffff', text: '#111111', muted: '#555555', grid: '#dddddd' };

/** The SVG drawn by librsvg: width, height and RGBA pixels. */
async function render(svg: string): Promise<{ width: number; height: number; data: Buffer }> {
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** How many pixels are (about) this colour. */
function count(img: { data: Buffer }, [r, g, b]: [number, number, number]): number {
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    if (Math.abs(img.data[i]! - r) < 30 && Math.abs(img.data[i + 1]! - g) < 30 && Math.abs(img.data[i + 2]! - b) < 30) n++;
  }
  return n;
}

describe('chart SVG', () => {
  const chart = () => lineChartSvg({
    title: 'Loss <per> epoch & "runs"', xLabel: 'epoch', yLabel: 'loss', colors: COLORS,
    lines: [
      { label: 'run-a train', color: '#ff0000', points: [{ x: 1, y: 1.2 }, { x: 2, y: 0.8 }, { x: 3, y: 0.5 }] },
      { label: 'run-b validation', color: '#0000ff', dashed: true, points: [{ x: 1, y: 1.4 }, { x: 2, y: 1.1 }, { x: 3, y: null }, { x: 4, y: 0.7 }, { x: 5, y: 0.6 }] },
    ],
  });

  it('is a valid SVG document of the requested size that draws each series in its colour', async () => {
    const svg = chart();
    assert.ok(isSafeSvg(svg), 'passes the extension\'s own check');
    const img = await render(svg);
    assert.deepEqual([img.width, img.height], [720, 420]);
    assert.ok(count(img, [255, 0, 0]) > 200, 'the red series is drawn');
    assert.ok(count(img, [0, 0, 255]) > 50, 'the blue series is drawn');
    assert.ok(count(img, [255, 255, 255]) > 720 * 420 * 0.5, 'on the given background');
  });

  it('escapes text, names every series in the legend, dashes validation and breaks a line at a missing value', () => {
    const svg = chart();
    assert.ok(svg.includes('Loss &lt;per&gt; epoch &amp; &quot;runs&quot;'));
    assert.ok(!svg.includes('<per>'));
    assert.equal((svg.match(/>run-a train</g) ?? []).length, 2, 'path title and legend');
    assert.equal((svg.match(/>run-b validation</g) ?? []).length, 2);
    assert.match(svg, /stroke="#0000ff" stroke-width="2" stroke-dasharray="6 4"/);
    const blue = /<path d="([^"]+)"[^>]*stroke="#0000ff"/.exec(svg)?.[1] ?? '';
    assert.equal((blue.match(/M/g) ?? []).length, 2, 'two pieces around the gap');
  });

  it('refuses colours that are not colours (no attribute injection)', () => {
    const svg = lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', colors: { ...COLORS, text: '"/><script>alert(1)</script>' }, lines: [] });
    assert.ok(!svg.includes('<script'));
    assert.ok(isSafeSvg(svg));
  });

  it('draws percentage ticks, bars and fixed ranges (reliability diagram)', async () => {
    const svg = lineChartSvg({
      title: 'Reliability', xLabel: 'confidence', yLabel: 'accuracy', percentY: true, x: { min: 0, max: 1 }, y: { min: 0, max: 1 }, colors: COLORS,
      bars: { label: 'accuracy', color: '#00aa00', items: [{ x0: 0.5, x1: 0.75, y: 0.6 }, { x0: 0.75, x1: 1, y: 0.9 }, { x0: 0, x1: 0.5, y: null }] },
      lines: [{ label: 'perfect calibration', color: '#888888', dashed: true, points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }],
    });
    for (const t of ['0%', '20%', '100%']) assert.ok(svg.includes(`>${t}</text>`), t);
    assert.equal((svg.match(/<rect [^>]*fill="#00aa00"/g) ?? []).length, 2 + 1, 'two bars (the empty bin has none) and the legend box');
    assert.ok(count(await render(svg), [102, 204, 102]) > 1000, 'the bars are drawn');
  });

  it('draws a confusion matrix with counts and row shares', async () => {
    const svg = heatmapSvg({ title: 'Confusion matrix', rowTitle: 'true class', colTitle: 'predicted class', rows: ['glioma', 'notumor'], cols: ['glioma', 'notumor'],
      values: [[3, 1], [0, 4]], accent: '#0000ff', colors: COLORS });
    assert.ok(isSafeSvg(svg));
    for (const t of ['>3<', '>75.0%<', '>25.0%<', '>100.0%<', '>0.0%<', '>glioma<']) assert.ok(svg.includes(t), t);
    const img = await render(svg);
    assert.ok(img.width > 250 && img.height > 200);
  });

  it('puts ticks at round numbers covering the range', () => {
    assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(1, 18, 6), [5, 10, 15]);
    assert.deepEqual(niceTicks(0, 2.3, 5), [0, 0.5, 1, 1.5, 2]);
    assert.deepEqual(niceTicks(NaN, 1), []);
    assert.equal(escapeXml(`<a href='x'>&`), '&lt;a href=&apos;x&apos;&gt;&amp;');
  });
});

describe('chart image messages', () => {
  const png = async () => `data:image/png;base64,${(await sharp({ create: { width: 4, height: 3, channels: 3, background: '#123456' } }).png().toBuffer()).toString('base64')}`;

  it('accepts a PNG data URL and writes exactly its bytes', async () => {
    const data = await png();
    const img = parseChartImage({ type: 'exportChart', format: 'png', name: 'training-loss', data });
    assert.ok(img);
    const meta = await sharp(chartImageBytes(img)).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 4, 3]);
  });

  it('refuses a PNG that is not one, a wrong prefix, bad base64, a bad name or too much data', async () => {
    const data = await png();
    const base = { type: 'exportChart', format: 'png', name: 'chart' };
    const bad = [
      { ...base, data: `data:image/png;base64,${Buffer.from('GIF89a not a png').toString('base64')}` },
      { ...base, data: data.replace('image/png', 'image/svg+xml') },
      { ...base, data: data.replace('data:', 'javascript:') },
      { ...base, data: `${data}!` },
      { ...base, data, name: '../../etc/passwd' },
      { ...base, data, name: '' },
      { ...base, data, name: 'a/b' },
      { ...base, data, format: 'gif' },
      { ...base, data: `data:image/png;base64,${'A'.repeat(MAX_CHART_IMAGE)}` },
      { ...base, data: 42 },
    ];
    for (const m of bad) assert.equal(parseChartImage(m), undefined, JSON.stringify(m).slice(0, 120));
    assert.equal(pngBytes('data:image/png;base64,'), undefined);
  });

  it('refuses SVG with scripts, handlers, external references or another root', () => {
    const head = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">';
    for (const body of ['<script>alert(1)</script>', '<rect onload="alert(1)"/>', '<image href="file:///etc/passwd"/>', '<a href="https://x">a</a>',
      '<rect style="fill:url(https://x)"/>', '<foreignObject><iframe/></foreignObject>']) {
      assert.equal(parseChartImage({ type: 'exportChart', format: 'svg', name: 'c', data: `${head}${body}</svg>` }), undefined, body);
    }
    assert.equal(parseChartImage({ type: 'exportChart', format: 'svg', name: 'c', data: '<html><svg></svg></html>' }), undefined);
    assert.equal(parseChartImage({ type: 'exportChart', format: 'svg', name: 'c', data: `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]>${head}</svg>` }), undefined);
  });

  it('reaches the Training and Metrics panels through their validators', async () => {
    const m = { type: 'exportChart', format: 'png', name: 'roc', data: await png() };
    assert.deepEqual(parseFromTrainingView(m), m);
    assert.deepEqual(parseFromMetricsView(m), m);
    assert.equal(parseFromTrainingView({ ...m, data: 'data:image/png;base64,AAAA' }), undefined);
    assert.equal(parseFromMetricsView({ ...m, format: 'jpeg' }), undefined);
  });
});
