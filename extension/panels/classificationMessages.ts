/**
 * Validation of what the Classification webview sends and of the state it saved (a result that comes back on
 * reload), and the folders its thumbnails may load from. No vscode import: unit-tested.
 */
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { SLICE_ORIENTATIONS } from '../../server/protocol';
import type { ClassifiedImage, ClassifyItem, ClassifyResult, FailedImage, Heatmap, OriginalImage, VolumeResult } from '../../server/protocol';
import type {
  ClassificationSortKey, ClassificationViewState, FromClassificationView, UncertaintyFilter,
} from '../../webview/protocol';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * The message if it is one the Classification panel understands and every path it names is one of `known` (the
 * paths of the result on screen), else undefined. The page can thus only open, explain or export images that the
 * extension itself classified. Export paths are de-duplicated, in their order.
 */
export function parseFromClassificationView(m: unknown, known: ReadonlySet<string>): FromClassificationView | undefined {
  if (!isObject(m)) return undefined;
  const t = m.type;
  if (t === 'ready') return { type: t };
  if ((t === 'open' || t === 'explain') && typeof m.path === 'string' && known.has(m.path)) return { type: t, path: m.path };
  if (t === 'exportCsv' && isStrings(m.paths) && m.paths.length > 0 && m.paths.every((p) => known.has(p))) {
    return { type: t, paths: [...new Set(m.paths)] };
  }
  return undefined;
}

function isHeatmap(v: unknown): v is Heatmap {
  return isObject(v) && Number.isInteger(v.width) && Number.isInteger(v.height) && (v.width as number) > 0 && (v.height as number) > 0 &&
    Array.isArray(v.values) && v.values.length === (v.width as number) * (v.height as number) && v.values.every(isNum) &&
    typeof v.targetClass === 'string' && typeof v.layer === 'string';
}

const isRect = (v: unknown, keys: readonly string[]) => isObject(v) && keys.every((k) => isNum(v[k]));
const RECT = ['left', 'top', 'width', 'height'] as const;

/** An original the page can draw: its geometry in numbers, and its picture (if any) an inline image. */
function isOriginal(v: unknown): v is OriginalImage {
  if (!isObject(v) || !(v.image === null || (typeof v.image === 'string' && v.image.startsWith('data:image/')))) return false;
  const g = v.geometry;
  return isObject(g) && isNum(g.width) && isNum(g.height) && isNum(g.orientation) && isNum(g.inputSize) &&
    isRect(g.crop, RECT) && isRect(g.square, RECT) && isRect(g.pad, ['left', 'top', 'right', 'bottom']);
}

const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isText = (v: unknown) => v === null || typeof v === 'string';
const VOLUME_FORMATS: readonly unknown[] = ['nifti', 'dicom-series', 'dicom-multiframe'];

/** A slice's verdict and pictures, checked as strictly as an image's (its input goes into an <img src>). */
function isSlice(v: unknown): boolean {
  return isObject(v) && isIndex(v.index) && (v.position === null || isNum(v.position)) && typeof v.predicted === 'string' &&
    Array.isArray(v.probabilities) && v.probabilities.every(isNum) && isNum(v.confidence) && typeof v.uncertain === 'boolean' &&
    isStrings(v.uncertainReasons) && (v.heatmap === null || isHeatmap(v.heatmap)) &&
    (v.input === null || (typeof v.input === 'string' && v.input.startsWith('data:image/'))) && (v.empty === undefined || typeof v.empty === 'boolean');
}

/** A volume the page can draw: its descriptive header, a summary whose slices exist, and its slices in order. */
export function isVolumeResult(v: unknown): v is VolumeResult {
  if (!isObject(v) || !isObject(v.info) || !isObject(v.summary) || !Array.isArray(v.slices) || !v.slices.every(isSlice)) return false;
  const i = v.info, s = v.summary;
  const indexes = (v.slices as { index: number }[]).map((x) => x.index);
  const triple = (t: unknown) => Array.isArray(t) && t.length === 3 && t.every(isNum);
  const known = (n: unknown) => indexes.includes(n as number);
  return VOLUME_FORMATS.includes(i.format) && SLICE_ORIENTATIONS.some((o) => o === i.orientation) && isIndex(i.sliceCount) &&
    triple(i.dims) && (i.spacing === null || triple(i.spacing)) && isText(i.modality) && isText(i.seriesDescription) && isText(i.sequence) &&
    typeof i.window === 'string' && indexes.every((x, k) => x < (i.sliceCount as number) && (k === 0 || x > indexes[k - 1]!)) &&
    Array.isArray(s.tumourSlices) && s.tumourSlices.every(known) && typeof s.predicted === 'string' &&
    (s.sliceRange === null || (Array.isArray(s.sliceRange) && s.sliceRange.length === 2 && s.sliceRange.every(isIndex) && (s.sliceRange[0] as number) <= (s.sliceRange[1] as number))) &&
    (indexes.length === 0 || known(s.keySlice));
}

function isClassified(v: Record<string, unknown>): v is Record<string, unknown> & ClassifiedImage {
  const d = v.distribution;
  return typeof v.predicted === 'string' && Array.isArray(v.probabilities) && v.probabilities.every(isNum) && isNum(v.confidence) &&
    typeof v.uncertain === 'boolean' && isStrings(v.uncertainReasons) &&
    isObject(d) && typeof d.outOfDistribution === 'boolean' && isStrings(d.reasons) &&
    (v.heatmap === null || isHeatmap(v.heatmap)) &&
    // Only an inline image: the page puts it into an <img src>.
    (v.input === null || (typeof v.input === 'string' && v.input.startsWith('data:image/'))) &&
    isNum(v.width) && isNum(v.height) && (v.original === undefined || isOriginal(v.original)) && (v.volume === undefined || isVolumeResult(v.volume));
}

/** Whether `v` (read back from JSON, or an `explain` answer) is an item the panel can render. */
export function isClassifyItem(v: unknown): v is ClassifyItem {
  if (!isObject(v) || typeof v.path !== 'string' || v.path.length === 0) return false;
  if (v.ok === false) return typeof v.error === 'string' && typeof v.kind === 'string';
  return v.ok === true && isClassified(v);
}

/** A check that a value read back from JSON (the saved webview state) is a result the panel can render. */
export function isClassifyResult(v: unknown): v is ClassifyResult {
  if (!isObject(v) || !Array.isArray(v.items) || !v.items.every(isClassifyItem) || !isNum(v.threshold)) return false;
  const m = v.model;
  return isObject(m) && isStrings(m.classes) && m.classes.length > 0 && typeof m.architecture === 'string' && typeof m.modelDir === 'string' &&
    typeof m.bundled === 'boolean' && isNum(m.inputSize) && (m.evaluation === null || isObject(m.evaluation)) && isObject(v.timing);
}

const SORT_KEYS: readonly ClassificationSortKey[] = ['name', 'predicted', 'confidence', 'uncertain'];
const UNCERTAINTY: readonly UncertaintyFilter[] = ['all', 'uncertain', 'confident'];
export const DEFAULT_HEATMAP_OPACITY = 0.55;

/** The saved state of a Classification panel, or undefined when it holds no usable result (nothing to restore). */
export function parseClassificationViewState(state: unknown): ClassificationViewState | undefined {
  if (!isObject(state) || !isClassifyResult(state.result)) return undefined;
  const result = state.result;
  const sort = isObject(state.sort) ? state.sort : {};
  const heat = isObject(state.heatmap) ? state.heatmap : {};
  const key = SORT_KEYS.find((k) => k === sort.key) ?? 'name';
  return {
    result,
    selected: typeof state.selected === 'string' && result.items.some((i) => i.path === state.selected) ? state.selected : null,
    slices: savedSlices(state.slices, result),
    sort: { key, dir: sort.dir === 'desc' ? 'desc' : 'asc' },
    filterClass: typeof state.filterClass === 'string' && (result.model.classes as string[]).includes(state.filterClass) ? state.filterClass : 'all',
    filterUncertain: UNCERTAINTY.find((u) => u === state.filterUncertain) ?? 'all',
    heatmap: {
      show: typeof heat.show === 'boolean' ? heat.show : true,
      opacity: isNum(heat.opacity) ? Math.min(1, Math.max(0, heat.opacity)) : DEFAULT_HEATMAP_OPACITY,
    },
  };
}

/** The saved slice of each volume of `result`, keeping only slices that volume has. */
function savedSlices(saved: unknown, result: ClassifyResult): Record<string, number> {
  const out: Record<string, number> = {};
  if (!isObject(saved)) return out;
  for (const i of result.items) {
    const at = saved[i.path];
    if (i.ok && i.volume?.slices.some((s) => s.index === at)) out[i.path] = at as number;
  }
  return out;
}

/** The result's items in `paths` order (paths it does not hold are skipped). */
export function itemsByPath(result: ClassifyResult, paths: readonly string[]): ClassifyItem[] {
  const byPath = new Map(result.items.map((i) => [i.path, i]));
  return paths.flatMap((p) => byPath.get(p) ?? []);
}

/** `result` with the item at `path` replaced by `item` (which keeps that path), or `result` itself when it has no such item. */
export function replaceItem(result: ClassifyResult, path: string, item: ClassifiedImage | FailedImage): ClassifyResult {
  const i = result.items.findIndex((x) => x.path === path);
  if (i < 0) return result;
  const items = result.items.slice();
  items[i] = { ...item, path };
  return { ...result, items };
}

/**
 * The folders the panel must be able to read for thumbnails of these images: their deepest common folder when that
 * is a sensible one, else each distinct parent folder. Not sensible: a file-system root (or no common folder, as
 * with two Windows drives), or the home folder or one of its ancestors, which would open far more of the disk to
 * the page than the images. `p` and `home` are parameters for tests of Windows paths.
 */
export function thumbnailRoots(paths: readonly string[], p: nodePath.PlatformPath = nodePath, home: string = os.homedir()): string[] {
  return thumbnailPlan(paths, p, home).roots;
}

/**
 * How each image's thumbnail reaches the panel: through resource roots (thumbnailRoots), or, for an image that lies
 * directly in a folder too wide to open to the page (a file-system root, the home folder or one of its ancestors),
 * inline: the extension reads that one file and sends it as a data: URL (`inline`), so the folder itself is never
 * granted, even for a single image.
 */
export function thumbnailPlan(paths: readonly string[], p: nodePath.PlatformPath = nodePath, home: string = os.homedir()): { roots: string[]; inline: string[] } {
  const tooWide = (dir: string) => p.parse(dir).root === dir || isInside(home, dir, p);
  const inline = paths.filter((f) => tooWide(p.dirname(p.resolve(f))));
  const parents = [...new Set(paths.map((f) => p.dirname(p.resolve(f))))].filter((d) => !tooWide(d));
  if (parents.length <= 1) return { roots: parents, inline };
  const common = parents.reduce<string | undefined>((a, b) => (a === undefined ? undefined : commonFolder(a, b, p)), parents[0]);
  return { roots: common !== undefined && !tooWide(common) ? [common] : parents, inline };
}

/** Image types a webview shows by itself, by file extension. */
const INLINE_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.bmp': 'image/bmp', '.gif': 'image/gif' };
/** Larger files are not inlined (the row shows no thumbnail): a message to the page must stay small. */
export const MAX_INLINE_THUMBNAIL_BYTES = 4 * 1024 * 1024;

/** A data: URL of an image file's bytes for an inline thumbnail, or undefined (unknown type, too large). */
export function inlineThumbnail(file: string, bytes: Uint8Array): string | undefined {
  const type = INLINE_TYPES[nodePath.extname(file).toLowerCase()];
  if (!type || bytes.byteLength > MAX_INLINE_THUMBNAIL_BYTES) return undefined;
  return `data:${type};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

/** Whether every folder of `needed` is one of `have` or inside one (then a panel's resource roots need not change). */
export function rootsCovered(needed: readonly string[], have: readonly string[], p: nodePath.PlatformPath = nodePath): boolean {
  return needed.every((n) => have.some((h) => isInside(n, h, p)));
}

/** Whether `child` is `dir` or inside it. */
function isInside(child: string, dir: string, p: nodePath.PlatformPath): boolean {
  const rel = p.relative(dir, child);
  return rel === '' || (!rel.startsWith('..') && !p.isAbsolute(rel));
}

function commonFolder(a: string, b: string, p: nodePath.PlatformPath): string | undefined {
  let dir = a;
  while (!isInside(b, dir, p)) {
    const up = p.dirname(dir);
    if (up === dir) return undefined; // different roots (drives)
    dir = up;
  }
  return dir;
}
