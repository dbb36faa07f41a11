/**
 * What a DICOM object without pixel data is, named from its SOP Class UID (PS3.4 Annex B, PS3.6 Annex A), so that
 * a Structured Report or an RT Structure Set given for classification is refused with words a user recognises.
 */
import * as l10n from '@vscode/l10n';

const STORAGE = '1.2.840.10008.5.1.4.1.1';

/** The kind of a non-image SOP class, in words ("a Structured Report"); null when the UID names none we know. */
export function sopClassKind(uid: string | null): string | null {
  if (!uid) return null;
  if (uid === '1.2.840.10008.1.3.10') return l10n.t('a DICOMDIR (a media directory that lists other files)');
  if (!uid.startsWith(`${STORAGE}.`)) return null;
  const rest = uid.slice(STORAGE.length + 1);
  if (rest === '88.59') return l10n.t('a Key Object Selection document');
  if (rest.startsWith('88.')) return l10n.t('a Structured Report');
  if (rest === '11.1') return l10n.t('a Grayscale Softcopy Presentation State');
  if (rest === '11.2') return l10n.t('a Color Softcopy Presentation State');
  if (rest.startsWith('11.')) return l10n.t('a Presentation State');
  if (rest === '481.3') return l10n.t('an RT Structure Set');
  if (rest === '481.5' || rest === '481.8') return l10n.t('an RT Plan');
  if (rest.startsWith('481.')) return l10n.t('an RT object (plan, record or structure data)');
  if (rest === '104.1') return l10n.t('an Encapsulated PDF');
  if (rest === '104.2') return l10n.t('an Encapsulated CDA document');
  if (rest.startsWith('104.')) return l10n.t('an encapsulated document');
  if (rest.startsWith('9.')) return l10n.t('a Waveform');
  if (rest === '66.1' || rest === '66.3') return l10n.t('a Spatial Registration');
  if (rest === '66.2') return l10n.t('a Spatial Fiducials object');
  if (rest === '66.5') return l10n.t('a Surface Segmentation');
  if (rest === '66') return l10n.t('a Raw Data object');
  if (rest === '4.2') return l10n.t('an MR Spectroscopy object');
  return null;
}

/** The reason a file without Pixel Data cannot be classified, naming what it is when its SOP Class says. */
export function noPixelDataMessage(sopClassUid: string | null): string {
  const kind = sopClassKind(sopClassUid);
  return kind
    ? l10n.t('this DICOM file is {0}: it holds no image (no Pixel Data)', kind)
    : l10n.t('this DICOM file holds no image (no Pixel Data; SOP Class {0})', sopClassUid ?? '?');
}
