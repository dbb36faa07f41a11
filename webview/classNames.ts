/**
 * Class names as people read them in tables, charts and legends: the backend's words (server/data/classNames.ts,
 * as the report and the CLI write them), except that a panel spells out the coarse label ("tumour (type unknown)").
 * English keeps the class identifiers the panels always showed ("notumor"); Turkish uses its words ("tümör yok").
 * Ids, data attributes, CSS classes and messages to the extension keep the identifiers: only the text shown goes
 * through here.
 */
import { className as classWord } from '../server/data/classNames';
import { coarseLabelText } from '../server/eval/validationText';

export { coarseLabelText };

/** A class or dataset label for a table or chart; a name this page does not know stays as it is. */
export function className(c: string): string {
  return c === 'tumour' ? coarseLabelText() : classWord(c);
}
