/**
 * The panels' language: numbers and dates in the page's language (webview/displayFormat.ts), the bundle carried in the
 * page's HTML (extension/panels/webviewShell.ts) and read before anything is drawn (webview/pageLanguage.ts), and
 * the English staying exactly what the panels wrote before (the UI tests and the shared wording depend on it).
 */
import * as assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import * as serverNumbers from '../../server/numberFormat';
import * as validationText from '../../server/eval/validationText';
import { DETECTION_ROWS, formatMetric as serverFormatMetric, HEADLINE_METRICS, TTA_METRICS } from '../../server/eval/figureRows';
import type { DetectionScores } from '../../server/protocol';
import { bytes, dateTime, dec, displayLocale, exp, int, localeOf, num, pct, percent } from '../../webview/displayFormat';
import { parseBundle, startPageLanguage, usePageLanguage } from '../../webview/pageLanguage';
import { fill } from '../../webview/dom';
import { className } from '../../webview/classNames';
import { heatmapSvg, lineChartSvg, type SvgColors } from '../../webview/chartSvg';
import {
  confidentMissText, countOf, detectionLabel, detectionNote, detectionTitle, detectionValue, dropPoints, formatMetric, metricLabel, metricTitle,
  noExternalHint, robustnessNote, whyFiguresDiffer,
} from '../../webview/metrics/evaluationText';
import { bundleJson, panelShellHtml, shellLanguage, type ShellParts } from '../../extension/panels/webviewShell';
import { contentSecurityPolicy } from '../../extension/panels/csp';

afterEach(() => usePageLanguage('en', undefined));

/** Deterministic values that exercise rounding at every digit, signs, zeros and large numbers. */
function sampleValues(): number[] {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out = [0, -0, 1, -1, 0.5, 0.0005, 0.00049, 0.9995, 0.12345, 0.125, 0.0285, 1.005, 2.675, 1e-7, 123456.789, -0.0001, 0.9474, 0.962];
  for (let i = 0; i < 3000; i++) out.push((rnd() - 0.2) * 10 ** Math.floor(rnd() * 7 - 4));
  for (let i = 0; i < 1000; i++) out.push(Math.round(rnd() * 1000) / 1000, Math.round(rnd() * 100000) / 100000);
  return out;
}

describe('displayFormat in English', () => {
  it('writes exactly what server/numberFormat (toFixed, toLocaleString en-US) wrote', () => {
    for (const v of sampleValues()) {
      for (const d of [0, 1, 2, 3, 4]) {
        assert.equal(pct(v, d), serverNumbers.pct(v, d), `pct(${v}, ${d})`);
        assert.equal(dec(v, d), serverNumbers.dec(v, d), `dec(${v}, ${d})`);
      }
      assert.equal(int(v), serverNumbers.int(v), `int(${v})`);
      assert.equal(num(v), String(v));
      assert.equal(exp(v, 2), v.toExponential(2));
    }
    for (const junk of [null, undefined, NaN, Infinity, '0.5', {}]) {
      assert.equal(pct(junk), '–');
      assert.equal(dec(junk), '–');
      assert.equal(int(junk, '?'), '?');
    }
  });

  it('writes percent ticks, sizes and dates as before', () => {
    for (let n = -5; n <= 100; n++) assert.equal(percent(n), `${n}%`);
    assert.equal(bytes(1000), '1 KiB');
    assert.equal(bytes(5 * 2 ** 20 + 2 ** 19), '5.5 MiB');
    const when = '2026-12-04T13:44:38.000Z';
    assert.equal(dateTime(when), new Date(when).toLocaleString());
    assert.equal(displayLocale(), 'en-US');
  });
});

describe('displayFormat in Turkish', () => {
  it('writes percentages, decimals and counts the Turkish way', () => {
    usePageLanguage('tr', { Accuracy: 'Doğruluk' });
    assert.equal(displayLocale(), 'tr');
    assert.equal(pct(0.962), '%96,2');
    assert.equal(pct(0.9474, 2), '%94,74');
    assert.equal(pct(1, 0), '%100');
    assert.equal(pct(null), '–');
    assert.equal(dec(0.95, 2), '0,95');
    assert.equal(dec(0.0132, 3), '0,013');
    assert.equal(dec(1234.5, 1), '1234,5', 'no grouping in fixed decimals, as toFixed');
    assert.equal(int(7023), '7.023');
    assert.equal(int(999), '999');
    assert.equal(percent(60), '%60');
    assert.equal(num(0.002), '0,002');
    assert.equal(num(1e-7), '1e-7');
    assert.equal(exp(0.002, 2), '2,00e-3');
    assert.equal(bytes(5 * 2 ** 20 + 2 ** 19), '5,5 MiB');
    // A local date, so that the test does not depend on the machine's time zone.
    assert.equal(dateTime(new Date(2026, 11, 4, 13, 44, 38)), '04.12.2026 13:44:38');
  });

  it('maps VS Code language ids to Intl locales, and anything unknown to English', () => {
    assert.equal(localeOf('tr'), 'tr');
    assert.equal(localeOf('pt-br'), 'pt-BR');
    assert.equal(localeOf('en'), 'en-US');
    assert.equal(localeOf('en-gb'), 'en-US');
    assert.equal(localeOf(''), 'en-US');
    assert.equal(localeOf('not a tag!'), 'en-US');
  });
});

describe('pageLanguage', () => {
  it('configures the messages and the numbers from a bundle, and falls back to English without one', () => {
    assert.equal(usePageLanguage('tr', { Accuracy: 'Doğruluk', '{0} of {1}': '{1} içinden {0}' }), 'tr');
    assert.equal(l10n.t('Accuracy'), 'Doğruluk');
    assert.equal(l10n.t('{0} of {1}', '3', '4'), '4 içinden 3');
    assert.equal(pct(0.5), '%50,0');
    assert.equal(usePageLanguage('tr', {}), 'en', 'an empty bundle is English');
    assert.equal(l10n.t('Accuracy'), 'Accuracy');
    assert.equal(pct(0.5), '50.0%');
    assert.equal(usePageLanguage('de', undefined), 'en', 'a language without a bundle is English, numbers too');
    assert.equal(dec(0.5, 1), '0.5');
  });

  it('reads a bundle only when it is a JSON object', () => {
    assert.deepEqual(parseBundle('{"a":"b"}'), { a: 'b' });
    for (const bad of [undefined, null, '', '  ', 'not json', '[1]', '"x"', 'null', '{']) assert.equal(parseBundle(bad), undefined, String(bad));
  });

  it('starts from the language and the JSON block the shell writes into the page', () => {
    const html = panelShellHtml(shell({ language: 'tr', bundle: { Refresh: 'Yenile', 'Closing </script><script>alert(1)</script>': 'x' } }));
    const block = /<script type="application\/json" id="l10n-bundle" nonce="[^"]+">(.*?)<\/script>/s.exec(html)?.[1];
    assert.ok(block !== undefined);
    const lang = /<html lang="([^"]+)">/.exec(html)?.[1];
    const doc = { documentElement: { lang }, getElementById: (id: string) => (id === 'l10n-bundle' ? { textContent: block } : null) } as unknown as Document;
    assert.equal(startPageLanguage(doc), 'tr');
    assert.equal(l10n.t('Refresh'), 'Yenile');
    assert.equal(l10n.t('Closing </script><script>alert(1)</script>'), 'x', 'the block reads back exactly');
  });
});

const COLORS: SvgColors = { background: '#ffffff', text: '#111111', muted: '#555555', grid: '#dddddd' };

function shell(over: Partial<ShellParts> = {}): ShellParts {
  return { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce: 'bm9uY2U+/=', styleHref: 'https://x/common.css', scriptSrc: 'https://x/metrics.js',
    title: 'Metrics <run> & "more"', language: 'en', bundle: undefined, loadingText: 'Loading...', ...over };
}

describe('webviewShell', () => {
  it('writes the English page exactly as before (no bundle, lang="en")', () => {
    const p = shell();
    // The shell of webviewHtml.ts before the localisation, verbatim.
    const before = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(p.cspSource, p.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${p.nonce}" href="${p.styleHref}">
<title>Metrics &#60;run&#62; &#38; &#34;more&#34;</title>
</head>
<body>
<main id="root" aria-live="polite"><p class="muted">Loading...</p></main>
<script nonce="${p.nonce}" src="${p.scriptSrc}"></script>
</body>
</html>`;
    assert.equal(panelShellHtml(p), before);
    assert.equal(panelShellHtml(shell({ language: 'tr', bundle: undefined })), before, 'no bundle: English');
    assert.equal(panelShellHtml(shell({ language: 'tr', bundle: {} })), before, 'an empty bundle: English');
  });

  it('carries the bundle as an inert JSON block with lang, under the same strict CSP', () => {
    const bundle = { 'Loading...': 'Yükleniyor...', 'A <b> & </script> \u2028 line': '<!-- -->' };
    const html = panelShellHtml(shell({ language: 'tr', bundle, loadingText: 'Yükleniyor...' }));
    assert.match(html, /^<!DOCTYPE html>\n<html lang="tr">/);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.equal(csp, "default-src 'none'; img-src https://file+.vscode-resource.vscode-cdn.net data:; style-src https://file+.vscode-resource.vscode-cdn.net 'nonce-bm9uY2U+/='; " +
      "script-src 'nonce-bm9uY2U+/='; font-src https://file+.vscode-resource.vscode-cdn.net", 'the CSP is untouched: no unsafe-inline, no hash, no new source');
    assert.equal((html.match(/<script/g) ?? []).length, 2, 'the data block and the panel script');
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'no message can close the block');
    assert.ok(!html.includes('<!--'), 'nor open a comment');
    const block = /<script type="application\/json" id="l10n-bundle" nonce="bm9uY2U\+\/=">(.*?)<\/script>/s.exec(html)?.[1];
    assert.deepEqual(JSON.parse(block!), bundle);
    assert.ok(html.indexOf('id="l10n-bundle"') < html.indexOf('src="https://x/metrics.js"'), 'the bundle comes before the panel\'s script');
    assert.match(html, /<p class="muted">Yükleniyor\.\.\.<\/p>/);
  });

  it('keeps only language tags in the lang attribute', () => {
    assert.equal(shellLanguage('tr', { a: 'b' }), 'tr');
    assert.equal(shellLanguage('zh-cn', { a: 'b' }), 'zh-cn');
    assert.equal(shellLanguage('"><script>', { a: 'b' }), 'en');
    assert.equal(shellLanguage('tr', undefined), 'en');
    assert.equal(bundleJson({ x: '<>&' }), '{"x":"\\u003c\\u003e\\u0026"}');
  });
});

describe('panel texts', () => {
  it('fills placeholders with elements in the translation\'s order', () => {
    const code = { nodeName: 'CODE' } as unknown as Node;
    assert.deepEqual(fill('Then set {0} or restart.', code), ['Then set ', code, ' or restart.']);
    assert.deepEqual(fill('{1} önce, sonra {0}', 'a', 'b'), ['b', ' önce, sonra ', 'a']);
    assert.deepEqual(fill('no parts'), ['no parts']);
    assert.deepEqual(fill('{0}{2}', 'a'), ['a', '{2}'], 'a missing part stays visible');
  });

  it('shows class identifiers in English and the glossary\'s words in Turkish', () => {
    assert.deepEqual(['glioma', 'meningioma', 'notumor', 'pituitary', 'tumour', 'other'].map(className),
      ['glioma', 'meningioma', 'notumor', 'pituitary', 'tumour (type unknown)', 'other']);
    usePageLanguage('tr', { notumor: 'tümör yok', pituitary: 'hipofiz tümörü' });
    assert.equal(className('notumor'), 'tümör yok');
    assert.equal(className('pituitary'), 'hipofiz tümörü');
  });

  it('says in English exactly what the shared wording of server/eval says (panel, report and CLI agree)', () => {
    // Read by name, so that a renamed export fails here (with its name) rather than the build.
    const shared = validationText as Record<string, unknown>;
    const same = (name: string, mine: string) => {
      assert.equal(typeof shared[name], 'string', `server/eval/validationText exports ${name}`);
      assert.equal(mine, shared[name], name);
    };
    same('WHY_FIGURES_DIFFER', whyFiguresDiffer());
    same('DETECTION_NOTE', detectionNote());
    same('NO_EXTERNAL_HINT', noExternalHint());
    same('ROBUSTNESS_NOTE', robustnessNote());
    same('COARSE_LABEL_TEXT', className('tumour'));
    assert.equal(typeof shared.confidentMissText, 'function', 'server/eval/validationText exports confidentMissText');
    for (const t of [0.7, 0.5, 0.85]) assert.equal(confidentMissText(t), (shared.confidentMissText as (t: number) => string)(t));
    const rc = [{ count: 717, of: 859, rate: 717 / 859 }, { count: 0, of: 0, rate: null }, { count: 1234, of: 5678, rate: 0.2173 }, null];
    for (const x of rc) assert.equal(countOf(x), validationText.countOf(x));
    for (const d of [0.118, -0.003, 0, -0, 0.05, 0.0504, null, NaN]) assert.equal(dropPoints(d), validationText.dropPoints(d));
    for (const m of [...HEADLINE_METRICS, ...TTA_METRICS]) {
      assert.equal(metricLabel(m), m.label, m.key);
      assert.equal(metricTitle(m), m.title, m.key);
      for (const v of [0.9474, 0.12345678, 1234, null]) assert.equal(formatMetric(m, v), serverFormatMetric(m, v), `${m.key} ${v}`);
    }
    const d: DetectionScores = { sensitivity: 0.9621, specificity: 0.8, auc: 0.98765, tumour: 1200, notumor: 405,
      confidentMisses: { count: 3, of: 1200, rate: 0.0025 }, confidentFalseAlarms: { count: 0, of: 405, rate: 0 } } as DetectionScores;
    for (const row of DETECTION_ROWS) {
      assert.equal(detectionLabel(row), row.label, row.key);
      assert.equal(detectionTitle(row), row.title, row.key);
      assert.equal(detectionValue(row, d), row.get(d), row.key);
    }
  });
});

describe('chart SVG in Turkish', () => {
  it('writes ticks and shares in the page\'s language', () => {
    usePageLanguage('tr', { x: 'y' });
    const svg = lineChartSvg({ title: 'Doğruluk', xLabel: 'epok', yLabel: 'doğruluk', percentY: true, x: { min: 0, max: 1 }, y: { min: 0, max: 1 }, colors: COLORS,
      lines: [{ label: 'eğitim', color: '#ff0000', points: [{ x: 0, y: 0.2 }, { x: 1, y: 0.9 }] }] });
    for (const t of ['%0', '%20', '%100', '0,2', '0,4']) assert.ok(svg.includes(`>${t}</text>`), t);
    const cm = heatmapSvg({ title: 'Karışıklık matrisi', rowTitle: 'gerçek sınıf', colTitle: 'tahmin edilen sınıf', rows: ['glioma', 'tümör yok'],
      cols: ['glioma', 'tümör yok'], values: [[3, 1], [0, 4]], accent: '#0000ff', colors: COLORS });
    assert.ok(cm.includes('>%75,0</text>') && cm.includes('>%100,0</text>'));
    assert.ok(cm.includes('>tümör yok</text>'));
  });
});
