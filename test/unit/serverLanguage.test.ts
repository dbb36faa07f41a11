/**
 * The backend in another language (issue 16): numbers through Intl in the language of the texts, messages looked
 * up in the Turkish bundle (l10n/bundle.l10n.tr.json, the shipped bundle), the HTML report and the
 * CLI's texts in Turkish with the same figures, and what is stored or machine-read kept English.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { cliLanguage, currentLanguage, inEnglish, languageOf, shippedL10nDir, useBundle, useShippedLanguage, type MessageBundle } from '../../server/language';
import { andList, dec, exponential, fixed, int, numberLanguage, pct, percentOf, plain, setNumberLanguage } from '../../server/numberFormat';
import { walkDataset } from '../../server/data/walkDataset';
import { className } from '../../server/data/classNames';
import { renderReportHtml } from '../../server/eval/reportHtml';
import { readerReport, storedReport } from '../../server/eval/evaluationStore';
import { formatEvaluation } from '../../server/cli/evaluationText';
import { formatClassifyResult } from '../../server/cli/classifyText';
import { judgeDistribution } from '../../server/infer/classifyImages';
import { CancelledError } from '../../server/cancelled';
import { makeEvaluationReport } from '../fixtures/evaluationReport';
import { makeClassified, makeResult } from '../fixtures/classifyResult';

const ROOT = path.resolve(__dirname, '../../..');
/** The server's Turkish messages: a flat bundle, as the shipped bundle.l10n.tr.json holds them. */
const TR = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.tr.json'), 'utf8')) as MessageBundle;

afterEach(() => useBundle('en', undefined));

describe('numbers in the language of the texts', () => {
  afterEach(() => setNumberLanguage('en'));

  it('writes English exactly as toFixed and toLocaleString("en-US") do', () => {
    assert.equal(numberLanguage(), 'en');
    assert.equal(pct(0.962), '96.2%');
    assert.equal(pct(0.9474, 2), '94.74%');
    assert.equal(dec(0.0132), '0.013');
    assert.equal(dec(1.005, 2), (1.005).toFixed(2));
    assert.equal(int(7023), '7,023');
    assert.equal(percentOf(70), '70%');
    assert.equal(exponential(0.002), '2.00e-3');
    assert.equal(plain(0.05), '0.05');
    assert.equal(fixed(-0.0001, 1), (-0.0001).toFixed(1));
    assert.equal(andList(['A', 'B', 'C']), 'A and B and C');
    assert.equal(pct(null), '–');
  });

  it('writes Turkish with the percent sign first and a decimal comma, rounding as toFixed does', () => {
    setNumberLanguage('tr');
    assert.equal(numberLanguage(), 'tr');
    assert.equal(pct(0.962), '%96,2');
    assert.equal(pct(0.9474, 2), '%94,74');
    assert.equal(dec(0.95, 2), '0,95');
    assert.equal(dec(1.005, 2), '1,00', 'the binary value of 1.005 is below 1.005: toFixed says 1.00, so does Turkish');
    assert.equal(int(7023), '7.023');
    assert.equal(percentOf(70), '%70');
    assert.equal(exponential(0.002), '2,00e-3');
    assert.equal(plain(0.05), '0,05');
    assert.equal(andList(['A', 'B', 'C']), 'A, B ve C');
    assert.equal(pct(undefined), '–', 'a missing figure is missing in every language');
    assert.equal(dec(NaN, 2, 'x'), 'x');
  });

  it('follows the message bundle: useBundle sets both, English without a bundle', () => {
    useBundle('tr', TR);
    assert.equal(currentLanguage(), 'tr');
    assert.equal(pct(0.5), '%50,0');
    useBundle('tr', {});
    assert.equal(currentLanguage(), 'en', 'an empty bundle is English');
    assert.equal(pct(0.5), '50.0%');
  });
});

describe('the language the backend speaks', () => {
  it('reads the CLI language from --lang, then LC_ALL, LC_MESSAGES, LANG', () => {
    assert.equal(languageOf('tr_TR.UTF-8'), 'tr');
    assert.equal(languageOf('C.UTF-8'), undefined);
    assert.equal(cliLanguage(undefined, { LANG: 'tr_TR.UTF-8' }), 'tr');
    assert.equal(cliLanguage('en', { LANG: 'tr_TR.UTF-8' }), 'en');
    assert.equal(cliLanguage(undefined, { LC_ALL: 'C', LC_MESSAGES: 'tr_TR', LANG: 'en_US' }), 'tr');
    assert.equal(cliLanguage(undefined, {}), 'en');
  });

  it('finds l10n/ beside dist/ (or above a test bundle), like models/; BRAIN_TUMOR_L10N_DIR overrides it', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-l10n-dir-'));
    try {
      fs.mkdirSync(path.join(tmp, 'dist'));
      fs.mkdirSync(path.join(tmp, 'l10n'));
      assert.equal(shippedL10nDir({}, path.join(tmp, 'dist')), path.join(tmp, 'l10n'));
      assert.equal(shippedL10nDir({ BRAIN_TUMOR_L10N_DIR: '/elsewhere' }, path.join(tmp, 'dist')), path.resolve('/elsewhere'));
      fs.writeFileSync(path.join(tmp, 'l10n', 'bundle.l10n.tr.json'), JSON.stringify(TR));
      assert.equal(useShippedLanguage('tr', path.join(tmp, 'l10n')), 'tr');
      assert.equal(useShippedLanguage('de', path.join(tmp, 'l10n')), 'en', 'a language without a bundle is English');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('renders English inside inEnglish and comes back to the language after', () => {
    useBundle('tr', TR);
    assert.equal(inEnglish(() => `${className('notumor')} ${pct(0.5)}`), 'notumor 50.0%');
    assert.equal(`${className('notumor')} ${pct(0.5)}`, 'tümör yok %50,0');
  });
});

describe('messages in Turkish', () => {
  it('says what is wrong with a dataset folder in Turkish, and in English by default', async () => {
    const missing = path.join(os.tmpdir(), 'bt-no-such-dataset');
    await assert.rejects(walkDataset(missing), /^Error: Dataset folder not found: /);
    useBundle('tr', TR);
    await assert.rejects(walkDataset(missing), (e: Error) => e.message === `Veri kümesi klasörü bulunamadı: ${missing}`);
    assert.equal(new CancelledError('Scan').message, 'Tarama iptal edildi.');
  });

  it('gives the uncertainty reasons in Turkish, numbers included', () => {
    useBundle('tr', TR);
    const d = judgeDistribution({ colourfulness: 50, darkBorder: 0.1, content: 0.5, white: 0.5, spread: 30, roughness: 10 }, 3.25);
    assert.deepEqual(d.reasons, [
      'renkli bir görüntü; MR kesitleri gri tonlamalıdır',
      '%50 kadarı saf beyaz (belgeler, ekran görüntüleri, fotoğraflar); MR kesitlerinde neredeyse hiç yoktur',
      'modelin bu görüntü için çıkardığı öznitelikler, eğitim verisine doğrulama görüntülerinin %99\'undan 3,3 kat daha uzak',
    ]);
  });

  it('writes the CLI text in Turkish: class names as words, numbers in Turkish, the disclaimer', () => {
    useBundle('tr', TR);
    const text = formatClassifyResult(makeResult([makeClassified('/x/a.png', 2, 0.55, { uncertain: true, uncertainReasons: ['neden'] })]), '/x');
    assert.match(text, /^a\.png {2}tümör yok {2}%55,0 {2}EMİN DEĞİL: uzman incelemesi gerekli \(neden\)$/m);
    assert.match(text, /hipofiz tümörü %/);
    assert.match(text, /Araştırma amaçlıdır, klinik tanı için değildir\.$/);
    const evaluation = formatEvaluation(makeEvaluationReport());
    assert.match(evaluation, /Tümör ve tümör yok \(yüksek güven = %70 ya da üstü\):/);
    assert.match(evaluation, /duyarlılık\s+%98,5\s+%97,8/);
  });
});

describe('the HTML report in Turkish', () => {
  it('sets <html lang>, writes its words in Turkish and the same figures in Turkish format', () => {
    const report = makeEvaluationReport();
    const en = renderReportHtml(report, null);
    useBundle('tr', TR);
    const tr = renderReportHtml(report, null);
    assert.match(en, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.match(tr, /^<!DOCTYPE html>\n<html lang="tr">/);
    assert.match(tr, /<title>Değerlendirme raporu: /);
    assert.match(tr, /Araştırma amaçlıdır, klinik tanı için değildir\./);
    assert.match(tr, /<strong>Klinik kullanım için değildir\.<\/strong>/);
    assert.match(tr, /<h2>Model kartı<\/h2>/);
    assert.doesNotMatch(tr, /Research use only|Model card|Headline metrics/);
    // The same figures: each English percentage has its Turkish twin, and no English-formatted one is left.
    const figures = (html: string, re: RegExp) => [...html.matchAll(re)].map((m) => m[1]!.replace(',', '.'));
    assert.deepEqual(figures(tr, /%(\d+,\d)(?!\d)/g), figures(en, /(\d+\.\d)%/g));
    assert.doesNotMatch(tr, /\d\.\d%/);
    assert.match(tr, /<th>Duyarlılık<\/th><td class="num">%98,5<\/td><td class="num">%97,8<\/td>/);
  });
});

describe('an evaluation on disk', () => {
  it('is stored with English words and read back in the reader\'s language', () => {
    useBundle('tr', TR);
    const fresh = makeEvaluationReport();
    fresh.splits = fresh.splits.map((s) => ({ ...s, label: s.key === 'official' ? 'Test (resmî)' : 'Test (yinelenenlerden arındırılmış)' }));
    fresh.perturbations![0]!.description = 'görüntü ortalaması etrafında kontrast x0,6';
    const stored = storedReport(fresh);
    assert.deepEqual(stored.splits.map((s) => s.label), ['Testing (official)', 'Testing (deduplicated)']);
    assert.equal(stored.perturbations![0]!.description, 'contrast x0.6 about the image mean');
    // A word another version wrote (other wording) is kept as it is.
    assert.equal(stored.perturbations![1]!.description, makeEvaluationReport().perturbations![1]!.description);
    const read = readerReport(stored);
    assert.deepEqual(read.splits.map((s) => s.label), ['Test (resmî)', 'Test (yinelenenlerden arındırılmış)']);
    useBundle('en', undefined);
    assert.equal(readerReport(stored), stored, 'English reads it as it is');
  });
});
