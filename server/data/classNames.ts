/**
 * The four classes, and the folder names datasets use for them. Kaggle's "Brain Tumor MRI Dataset" says
 * glioma, meningioma, notumor, pituitary; its SARTAJ source says glioma_tumor, no_tumor, ...; others write
 * "No Tumor", "Glioma", "pituitary tumour". All map to one canonical name; anything else is an error that
 * names the folder and what would have been accepted.
 *
 * Beside them, a coarse label: a folder meaning "a tumour, type unknown" (Br35H's `yes`, or `tumour`, `tumor`,
 * `tumour_unknown`). Its images are labelled `tumour`: they teach tumour vs none, never a type.
 */
import * as l10n from '@vscode/l10n';

export const CLASSES = ['glioma', 'meningioma', 'notumor', 'pituitary'] as const;
export type TumorClass = (typeof CLASSES)[number];

/** The coarse label, and every label a dataset file can carry. */
export const COARSE_TUMOUR = 'tumour' as const;
export type DatasetLabel = TumorClass | typeof COARSE_TUMOUR;
export const LABELS: readonly DatasetLabel[] = [...CLASSES, COARSE_TUMOUR];

/** The classes a coarse `tumour` label stands for: any of them, the type unknown. */
export const TUMOUR_CLASSES: readonly TumorClass[] = ['glioma', 'meningioma', 'pituitary'];

/** Index of a label in training's label arrays: the class index, or CLASSES.length for the coarse label. */
export const COARSE_INDEX = CLASSES.length;
export const labelIndex = (label: DatasetLabel): number => (label === COARSE_TUMOUR ? COARSE_INDEX : CLASSES.indexOf(label));

/** Lower-cased, without separators: "No_Tumor" -> "notumor". */
const squash = (name: string): string => name.toLowerCase().replace(/[\s_\-.]+/g, '');

const ALIASES: Record<string, DatasetLabel> = {
  glioma: 'glioma', meningioma: 'meningioma', pituitary: 'pituitary', pituitarie: 'pituitary',
  no: 'notumor', none: 'notumor', notumor: 'notumor', normal: 'notumor', healthy: 'notumor', negative: 'notumor',
  // A tumour of unknown type: Br35H's "yes" (the tumour word alone, or with "unknown", is handled below).
  yes: 'tumour', positive: 'tumour',
};

/**
 * Canonical label for a folder name, or undefined when it is not a class folder. The words "tumor"/"tumour" and a
 * plural "s" are dropped where they are only decoration: "glioma_tumor" -> glioma, "No Tumour" -> notumor,
 * "Tumours" and "tumour_unknown" -> tumour.
 */
export function canonicalLabel(folderName: string): DatasetLabel | undefined {
  const s = squash(folderName);
  if (!s) return undefined;
  const hasTumourWord = /tumou?r/.test(s);
  const core = s.replace(/tumou?rs?/, '').replace(/s$/, '');
  // "tumour", "Tumors", "tumour_unknown", "unknown tumor": a tumour of unknown type.
  if (hasTumourWord && /^(|unknown|unknowntype|typeunknown)$/.test(core)) return COARSE_TUMOUR;
  // "notumor" loses its "tumor" to "no", "glioma_tumor" to "glioma".
  return ALIASES[core] ?? ALIASES[s] ?? ALIASES[s.replace(/s$/, '')];
}

/** The class of a folder name, or undefined for other names and for the coarse label. */
export function canonicalClass(folderName: string): TumorClass | undefined {
  const l = canonicalLabel(folderName);
  return l === COARSE_TUMOUR ? undefined : l;
}

/**
 * A class or dataset label as people read it (CLI text, the HTML report): English keeps the identifiers as they
 * always read ("notumor"); another language uses its words (Turkish "tümör yok"). Machine-readable output (JSON,
 * CSV, file names) keeps the identifiers. A name this does not know stays as it is.
 */
export function className(c: string): string {
  switch (c) {
    case 'glioma': return l10n.t('glioma');
    case 'meningioma': return l10n.t('meningioma');
    case 'notumor': return l10n.t('notumor');
    case 'pituitary': return l10n.t('pituitary');
    case 'tumour': return l10n.t({ message: 'tumour', comment: ['The coarse dataset label: a tumour of unknown type (folders named tumour/, yes/)'] });
    default: return c;
  }
}

/** The folder names a dataset may use, for the errors that name a folder that is none of them. */
export function acceptedClassNames(): string {
  return l10n.t('glioma, meningioma, pituitary, notumor (also e.g. glioma_tumor, Glioma, no_tumor, "No Tumor", no, normal, healthy, pituitary_tumor), and for a tumour of unknown type: tumour, tumor, yes, tumour_unknown');
}
