/**
 * What the page hands to vscode.setState. The model inputs (and originals) are data URLs of tens of kilobytes each; VS Code
 * keeps the state in memory and on disk, so a large batch keeps them only for its first rows (and the open one):
 * the others show the original file instead, and get their input back with `explain` when opened. A volume's slice
 * pictures count with its item's.
 * Pure: unit-tested.
 */
import type { ClassifiedImage, ClassifyResult } from '../../server/protocol';
import type { ClassificationViewState } from '../protocol';

/** Above this many characters of inputs, the state drops some. */
export const STATE_INPUT_BUDGET = 4_000_000;
/** Items (in result order) that keep their input when the state drops some. */
export const STATE_KEEP_INPUTS = 50;

/** About the JSON size of an original's geometry: a batch of thousands counts it too. */
const GEOMETRY_CHARS = 300;

/**
 * An item without its pictures, their geometry (the page draws with it only on the original's picture) and its heat
 * map: `explain` brings them all back when the item is opened.
 */
function dropPictures(i: ClassifiedImage): ClassifiedImage {
  if (!i.input && !i.heatmap && !i.original && !i.volume?.slices.some((s) => s.input || s.heatmap)) return i;
  const lean: ClassifiedImage = { ...i, input: null, heatmap: null };
  delete lean.original;
  if (i.volume) lean.volume = { ...i.volume, slices: i.volume.slices.map((s) => ({ ...s, input: null, heatmap: null })) };
  return lean;
}

/** About the characters of an item's pictures in the state: its input and original, and a volume's slice inputs. */
function pictureChars(i: ClassifiedImage): number {
  const slices = i.volume?.slices.reduce((n, s) => n + (s.input?.length ?? 0), 0) ?? 0;
  return (i.input?.length ?? 0) + (i.original ? (i.original.image?.length ?? 0) + GEOMETRY_CHARS : 0) + slices;
}

/** The state to save: `state` itself when its pictures are small, else a copy without most of them (and their heat maps, which need them). */
export function stateToSave(state: ClassificationViewState, budget = STATE_INPUT_BUDGET, keep = STATE_KEEP_INPUTS): ClassificationViewState {
  const result = state.result;
  if (!result) return state;
  const size = result.items.reduce((n, i) => n + (i.ok ? pictureChars(i) : 0), 0);
  if (size <= budget) return state;
  const items: ClassifyResult['items'] = result.items.map((i, k) => (!i.ok || k < keep || i.path === state.selected ? i : dropPictures(i)));
  return { ...state, result: { ...result, items } };
}
