/**
 * Class names as people read them in tables, charts and legends. English keeps the class identifiers the panels always
 * showed ("notumor"); other languages use their words (Turkish "tümör yok"). Ids, data attributes, CSS classes and
 * messages to the extension keep the identifiers: only the text shown goes through here.
 */
import * as l10n from '@vscode/l10n';

/** The coarse dataset label (folders named tumour/, yes/, ...): a tumour of unknown type. */
export function coarseLabelText(): string {
  return l10n.t('tumour (type unknown)');
}

/** A class or dataset label for a table or chart; a name this page does not know stays as it is. */
export function className(c: string): string {
  switch (c) {
    case 'glioma': return l10n.t('glioma');
    case 'meningioma': return l10n.t('meningioma');
    case 'notumor': return l10n.t('notumor');
    case 'pituitary': return l10n.t('pituitary');
    case 'tumour': return coarseLabelText();
    default: return c;
  }
}
