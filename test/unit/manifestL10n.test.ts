/**
 * The manifest's translations: every user-visible text of package.json is a `%key%` placeholder, package.nls.json
 * holds the English, and each package.nls.<language>.json (Turkish today) has every key, no other, none empty, with
 * the same `{0}` placeholders, markdown command links and `code` spans. The walkthrough's pages and pictures have
 * their twins too.
 *
 * How VS Code localises what the manifest names (checked against VS Code 1.139's workbench sources):
 * - package.json: every string value that is exactly `%key%`, anywhere in the manifest, is replaced from
 *   package.nls.<language>.json (falling back to package.nls.json); a command's title and category then keep the
 *   English as `original`, so the palette finds both. An empty translation is not used: the raw `%key%` shows.
 * - A walkthrough step's markdown media `foo.md` is read as `foo.nls.<locale>.md`, else `foo.nls.<language>.md`
 *   (e.g. `tr` for `tr-TR`), else `foo.md`; an empty twin counts as missing. So the Turkish pages are
 *   media/walkthrough/*.nls.tr.md, found without any manifest entry.
 * - SVG (and image) media get no such lookup: the step's `svg` path is itself a `%key%`, which the Turkish bundle
 *   points at media/walkthrough/splits.nls.tr.svg.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '../../..');
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Bundle = Record<string, string>;

const readJson = (file: string): Json => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Json;
const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** VS Code replaces a whole string value `%key%`; vsce (which fills in the English when packaging) wants [\w.] keys. */
const PLACEHOLDER = /^%(.+)%$/;
const KEY = /^[\w.]+$/;

/** Every string value of `value` with its path (`contributes.commands[0].title`). */
function strings(value: Json, at = ''): [string, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

/** The `%key%` placeholders used anywhere in a manifest. */
function placeholders(manifest: Json): { at: string; key: string }[] {
  return strings(manifest).flatMap(([at, s]) => {
    const m = PLACEHOLDER.exec(s);
    return m ? [{ at, key: m[1]! }] : [];
  });
}

/**
 * Properties of `contributes` that VS Code shows to people (commands, views, welcome content, walkthroughs,
 * settings, submenus, ...), wherever they sit; `name` is only ever a view's name there today.
 */
const VISIBLE = new Set(['title', 'shortTitle', 'category', 'name', 'contextualTitle', 'contents', 'label', 'altText',
  'description', 'markdownDescription', 'enumDescriptions', 'markdownEnumDescriptions', 'deprecationMessage',
  'markdownDeprecationMessage', 'enumItemLabels']);

/** The user-visible fields of a manifest that are literal text rather than a `%key%`. */
function literalTexts(manifest: Json): string[] {
  if (!isObject(manifest)) return ['(manifest)'];
  const found: string[] = [];
  const check = (at: string, v: Json | undefined) => {
    for (const [where, s] of v === undefined ? [] : strings(v, at)) if (!PLACEHOLDER.test(s)) found.push(where);
  };
  check('displayName', manifest.displayName);
  check('description', manifest.description);
  const capabilities = manifest.capabilities;
  if (isObject(capabilities)) {
    for (const [k, v] of Object.entries(capabilities)) if (isObject(v)) check(`capabilities.${k}.description`, v.description);
  }
  const walk = (v: Json, at: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        // A setting's id is a key of `properties`, not a field: walk into it, never check it.
        if (VISIBLE.has(k) && !at.endsWith('.properties')) check(`${at}.${k}`, x);
        else walk(x, `${at}.${k}`);
      }
    }
  };
  if (manifest.contributes !== undefined) walk(manifest.contributes, 'contributes');
  return found;
}

const setOf = (re: RegExp, text: string): string[] => [...new Set([...text.matchAll(re)].map((m) => m[0]))].sort();
/** `{0}`-style arguments, markdown command links (`](command:id?args)`), and `code` spans: never translated. */
const fixedParts = (text: string) => ({
  args: setOf(/\{\d+\}/g, text),
  commandLinks: setOf(/\]\(command:[^)\s]*\)/g, text),
  code: setOf(/`[^`\n]+`/g, text),
});

/** What is wrong with `translated` as a translation of the `english` bundle. */
function bundleProblems(english: Bundle, translated: Bundle): string[] {
  const problems: string[] = [];
  for (const [key, en] of Object.entries(english)) {
    const tr = translated[key];
    if (typeof tr !== 'string') { problems.push(`${key}: missing`); continue; }
    if (tr.trim() === '') { problems.push(`${key}: empty`); continue; }
    const want = fixedParts(en);
    const got = fixedParts(tr);
    for (const part of ['args', 'commandLinks', 'code'] as const) {
      if (JSON.stringify(want[part]) !== JSON.stringify(got[part])) {
        problems.push(`${key}: ${part} ${JSON.stringify(got[part])}, the English has ${JSON.stringify(want[part])}`);
      }
    }
  }
  for (const key of Object.keys(translated)) if (!(key in english)) problems.push(`${key}: not in package.nls.json`);
  return problems;
}

const manifest = readJson('package.json');
const english = readJson('package.nls.json') as Bundle;
/** The languages the manifest is translated into: one package.nls.<language>.json each. */
const LANGUAGES = fs.readdirSync(ROOT).map((f) => /^package\.nls\.([\w-]+)\.json$/.exec(f)?.[1]).filter((l) => l !== undefined);
const bundles = new Map(LANGUAGES.map((l) => [l, readJson(`package.nls.${l}.json`) as Bundle]));

/** The walkthrough steps' markdown pages (paths relative to the extension). */
function stepPages(): string[] {
  const c = isObject(manifest) ? manifest.contributes : undefined;
  const walkthroughs = isObject(c) && Array.isArray(c.walkthroughs) ? c.walkthroughs : [];
  return walkthroughs.flatMap((w) => isObject(w) && Array.isArray(w.steps) ? w.steps : [])
    .flatMap((s) => isObject(s) && isObject(s.media) && typeof s.media.markdown === 'string' ? [s.media.markdown] : []);
}
/** VS Code's rule for a walkthrough page in another language: `foo.md` -> `foo.nls.<language>.md`. */
const pageIn = (page: string, language: string) => page.replace(/\.md$/, `.nls.${language}.md`);
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('manifest localisation', () => {
  it('ships Turkish, and points l10n at the bundle folder', () => {
    assert.ok(LANGUAGES.includes('tr'), `package.nls.tr.json; found: ${LANGUAGES.join(', ')}`);
    assert.equal(isObject(manifest) && manifest.l10n, './l10n');
  });

  it('has an English text in package.nls.json for every %key% of package.json, and no unused one', () => {
    const used = placeholders(manifest);
    assert.ok(used.length > 50, `only ${used.length} placeholders: did the manifest lose its %key%s?`);
    assert.deepEqual(used.filter(({ key }) => !KEY.test(key)).map(({ at, key }) => `${at}: %${key}%`), [], 'keys vsce accepts ([\\w.])');
    assert.deepEqual(used.filter(({ key }) => typeof english[key] !== 'string').map(({ at, key }) => `${at}: %${key}%`), []);
    const keys = new Set(used.map(({ key }) => key));
    assert.deepEqual(Object.keys(english).filter((k) => !keys.has(k)), [], 'keys in package.nls.json that package.json does not use');
    assert.deepEqual(Object.entries(english).filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k), []);
  });

  it('leaves no user-visible text of the manifest literal (a command added in English only fails here)', () => {
    assert.deepEqual(literalTexts(manifest), []);
  });

  for (const [language, bundle] of bundles) {
    it(`package.nls.${language}.json translates every key, no other, keeping arguments, command links and code`, () => {
      assert.deepEqual(bundleProblems(english, bundle), []);
    });

    it(`walkthrough pages have a non-empty ${language} twin with the same command links and code`, () => {
      const pages = stepPages();
      assert.ok(pages.length > 0, 'no walkthrough step has a markdown page any more: re-read this test');
      for (const page of pages) {
        const twin = pageIn(page, language);
        assert.ok(fs.existsSync(path.join(ROOT, twin)) && read(twin).trim() !== '', `${twin} (VS Code shows ${page} without it)`);
        const want = fixedParts(read(page));
        const got = fixedParts(read(twin));
        assert.deepEqual(got.commandLinks, want.commandLinks, `${twin}: command links`);
        assert.deepEqual(got.code, want.code, `${twin}: code spans`);
      }
    });

    it(`walkthrough pages in ${language} name commands by their ${language} palette titles`, () => {
      // **Brain Tumor: Train Model** in English is **<category>: <title>** of the same language.
      const titlesIn = (b: Bundle) => new Set(Object.entries(b).filter(([k]) => /^command\.\w+\.title$/.test(k)).map(([, v]) => v));
      for (const [bundleOf, file] of [[english, (p: string) => p], [bundle, (p: string) => pageIn(p, language)]] as const) {
        const category = bundleOf['command.category']!;
        const titles = titlesIn(bundleOf);
        for (const page of stepPages().map(file)) {
          for (const m of read(page).matchAll(new RegExp(`\\*\\*${category}: ([^*]+)\\*\\*`, 'g'))) {
            assert.ok(titles.has(m[1]!), `${page}: "${m[1]}" is not a command title`);
          }
        }
      }
    });
  }

  it('localised media paths (a step picture per language) name files that exist', () => {
    const paths = Object.entries(english).filter(([, v]) => /^media\/[^\s]+\.(svg|png|gif|jpe?g)$/.test(v));
    assert.ok(paths.length > 0, 'the splits picture path');
    for (const [key] of paths) {
      for (const b of [english, ...bundles.values()]) {
        assert.ok(fs.existsSync(path.join(ROOT, b[key]!)), `${key}: ${b[key]}`);
      }
    }
  });
});

describe('the checks themselves', () => {
  it('find a literal command title, category, setting description and walkthrough text', () => {
    const m: Json = {
      displayName: '%a%', description: 'Plain',
      contributes: {
        commands: [{ command: 'x.y', title: 'New Command', category: '%c%' }],
        configuration: { title: '%t%', properties: { 'x.title': { type: 'string', markdownDescription: 'Literal', enumDescriptions: ['%e%', 'raw'] } } },
        walkthroughs: [{ id: 'w', title: '%w%', description: '%d%', steps: [{ id: 's', title: 'Step', description: '%sd%', media: { markdown: 'm.md' } }] }],
      },
    };
    assert.deepEqual(literalTexts(m).sort(), ['contributes.commands[0].title', 'contributes.configuration.properties.x.title.enumDescriptions[1]',
      'contributes.configuration.properties.x.title.markdownDescription', 'contributes.walkthroughs[0].steps[0].title', 'description'].sort());
  });

  it('find missing, empty and extra keys, and changed arguments, command links and code', () => {
    const en = { a: 'A', b: 'B', c: 'Run {0}', d: '[Go](command:x.go)', e: 'Set `x.y`', f: 'F' };
    const tr = { a: 'A', b: ' ', c: 'Çalıştır {1}', d: '[Git](command:x.gone)', e: '`x.z` ayarla', g: 'G' };
    assert.deepEqual(bundleProblems(en, tr).map((p) => p.replace(/:.*/, '')), ['b', 'c', 'd', 'e', 'f', 'g']);
  });
});
