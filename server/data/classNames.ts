/**
 * The four classes, and the folder names datasets use for them. Kaggle's "Brain Tumor MRI Dataset" says
 * glioma, meningioma, notumor, pituitary; its SARTAJ source says glioma_tumor, no_tumor, ...; others write
 * "No Tumor", "Glioma", "pituitary tumour". All map to one canonical name; anything else is an error that
 * names the folder and what would have been accepted.
 */
export const CLASSES = ['glioma', 'meningioma', 'notumor', 'pituitary'] as const;
export type TumorClass = (typeof CLASSES)[number];

/** Lower-cased, without separators or a trailing "tumor"/"tumour" word: "No_Tumor" -> "no". */
function squash(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.]+/g, '').replace(/tumou?rs?$/, '');
}

const ALIASES: Record<string, TumorClass> = {
  glioma: 'glioma', gliomas: 'glioma',
  meningioma: 'meningioma', meningiomas: 'meningioma',
  pituitary: 'pituitary', pituitaries: 'pituitary',
  no: 'notumor', none: 'notumor', notumor: 'notumor', normal: 'notumor', healthy: 'notumor', negative: 'notumor',
};

/** Canonical class for a folder name, or undefined when it is not a class folder. */
export function canonicalClass(folderName: string): TumorClass | undefined {
  const s = squash(folderName);
  // "notumor" squashes to "no" (its "tumor" suffix goes), "no_tumor" likewise.
  return ALIASES[s] ?? ALIASES[s.replace(/s$/, '')];
}

export const ACCEPTED_CLASS_NAMES =
  'glioma, meningioma, pituitary, notumor (also e.g. glioma_tumor, Glioma, no_tumor, "No Tumor", pituitary_tumor)';
