/** Classification results as CSV: columns, RFC 4180 quoting, and cells a spreadsheet would run as formulas. */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, csvColumns, csvFileName, toCsv } from '../../server/infer/resultsCsv';
import { FIXTURE_CLASSES, makeClassified, makeFailed } from '../fixtures/classifyResult';

/** A small RFC 4180 reader: the inverse of toCsv, to check that every cell survives the round trip. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += ch;
  }
  assert.equal(cell, '', 'text ends with a line break');
  return rows;
}

describe('toCsv', () => {
  const ok = makeClassified('/scans/a.jpg', 0, 0.91234567);
  const unsure = makeClassified('/scans/b.png', 2, 0.55, {
    uncertain: true, uncertainReasons: ['Confidence 55.0% is below the 70% threshold.', 'Out of distribution'],
    distribution: { outOfDistribution: true, reasons: ['colourful'], colourfulness: 60, darkBorder: 0.1, content: 1, white: 0.4, spread: 33, roughness: 12.5, featureDistance: 2.3 },
  });
  const bad = makeFailed('/scans/c.txt');

  it('writes a header and one row per item in the given order, CRLF line ends', () => {
    const csv = toCsv([unsure, bad, ok], FIXTURE_CLASSES);
    const lines = csv.split('\r\n');
    assert.equal(lines.length, 5, 'header, 3 rows, and the empty string after the last line break');
    assert.equal(lines[0], 'path,status,predicted,confidence,uncertain,reasons,p_glioma,p_meningioma,p_notumor,p_pituitary,out_of_distribution,error');
    assert.deepEqual(csvColumns(FIXTURE_CLASSES), lines[0]?.split(','));
    const rows = parseCsv(csv);
    assert.deepEqual(rows.slice(1).map((r) => r[0]), ['/scans/b.png', '/scans/c.txt', '/scans/a.jpg']);
    assert.ok(rows.every((r) => r.length === 12), 'every row has every column');
  });

  it('fills classified rows: probabilities per class with 4 decimals, flags, reasons', () => {
    const [, a, b] = parseCsv(toCsv([ok, unsure], FIXTURE_CLASSES));
    assert.deepEqual(a!.slice(0, 6), ['/scans/a.jpg', 'ok', 'glioma', '0.9123', 'false', '']);
    assert.equal(a![6], '0.9123');
    assert.equal(a!.slice(6, 10).reduce((s, v) => s + Number(v), 0).toFixed(3), '1.000');
    assert.deepEqual(a!.slice(10), ['false', '']);
    assert.deepEqual(b!.slice(1, 6), ['ok', 'notumor', '0.5500', 'true', 'Confidence 55.0% is below the 70% threshold.; Out of distribution']);
    assert.equal(b![10], 'true');
  });

  it('leaves the verdict columns of a failed image empty and gives its error', () => {
    const [, f] = parseCsv(toCsv([bad], FIXTURE_CLASSES));
    assert.deepEqual(f, ['/scans/c.txt', 'error', '', '', '', '', '', '', '', '', '', bad.error]);
  });

  it('quotes commas, quotes and line breaks in paths and messages (RFC 4180)', () => {
    const odd = makeClassified('/scans/x, "y"\nz.jpg', 1, 0.8);
    const err = makeFailed('/scans/ok.jpg', 'bad header, "PK"\r\nnot an image');
    const csv = toCsv([odd, err], FIXTURE_CLASSES);
    assert.ok(csv.includes('"/scans/x, ""y""\nz.jpg",ok,'), csv);
    const rows = parseCsv(csv);
    assert.equal(rows.length, 3);
    assert.equal(rows[1]![0], '/scans/x, "y"\nz.jpg');
    assert.equal(rows[2]![11], 'bad header, "PK"\r\nnot an image');
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell(''), '');
  });

  it('keeps cells starting with = + - @ tab or CR from running as formulas', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      const cell = csvCell(evil);
      const back = parseCsv(`${cell}\r\n`)[0]![0]!;
      assert.equal(back, `'${evil}`, JSON.stringify(evil));
    }
    const [, r] = parseCsv(toCsv([makeFailed('=cmd|calc!A0', '-@error')], FIXTURE_CLASSES));
    assert.equal(r![0], "'=cmd|calc!A0");
    assert.equal(r![11], "'-@error");
    // Only the start counts; relative and Windows paths pass unchanged.
    assert.equal(csvCell('a=b'), 'a=b');
    assert.equal(csvCell('C:\\scans\\a.jpg'), 'C:\\scans\\a.jpg');
  });

  it('names the file after the local date and time', () => {
    assert.equal(csvFileName(new Date(2026, 10, 30, 9, 5)), 'classification-2026-11-30-0905.csv');
  });
});
