/**
 * A guess at the MRI sequence from free text (a NIfTI `descrip`, a file name such as BraTS' `_t1ce.nii.gz`):
 * shown as a hint only, never used to decide anything.
 */
const HINTS: [RegExp, string][] = [
  [/flair/i, 'FLAIR'],
  [/(^|[^a-z0-9])(t1c|t1ce|t1gd|t1[-_ ]?(post|contrast|gd|\+c))/i, 'T1c'],
  [/(^|[^a-z0-9])t1(w)?($|[^a-z0-9])/i, 'T1'],
  [/(^|[^a-z0-9])t2(w)?($|[^a-z0-9])/i, 'T2'],
  [/(^|[^a-z0-9])(dwi|adc|diffusion)($|[^a-z0-9])/i, 'DWI'],
];

export function guessSequence(...texts: (string | null | undefined)[]): string | null {
  for (const text of texts) {
    if (!text) continue;
    for (const [re, name] of HINTS) if (re.test(text)) return name;
  }
  return null;
}
