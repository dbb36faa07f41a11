/**
 * The parts of an EvaluationReport that older versions did not write (external sets, perturbations, tumour vs no
 * tumour, training sources), read one way for the Metrics panel and the HTML report: a part that is missing or not
 * of its shape reads as none, because saved evaluations are data from disk. Pure: the webview bundles it.
 */
import type { DetectionScores, EvaluationReport, ExternalScores, PerturbationScores, SplitScores } from '../protocol';
import { isNum } from '../numberFormat';
import { DEFAULT_REVIEW_THRESHOLD } from './validationText';

/** The external sets of a report; none for a report saved by an older version. */
export const externalSets = (r: EvaluationReport): ExternalScores[] => (Array.isArray(r.external) ? r.external : []);

/** The dataset folders the model trained on; none when the report does not say. */
export const trainingSources = (r: EvaluationReport): string[] => (Array.isArray(r.trainingSources) ? r.trainingSources : []);

/** The perturbations scored, or null when the evaluation asked for none (older reports included). */
export const perturbations = (r: EvaluationReport): PerturbationScores[] | null => (Array.isArray(r.perturbations) ? r.perturbations : null);

/** The splits that carry tumour-vs-no-tumour figures. */
export const splitsWithDetection = (r: EvaluationReport): (SplitScores & { detection: DetectionScores })[] =>
  r.splits.filter((s): s is SplitScores & { detection: DetectionScores } => typeof s.detection === 'object' && s.detection !== null);

/** The review threshold the confident errors were counted at (the report records it per external set only). */
export function reviewThreshold(r: EvaluationReport): number {
  return externalSets(r).find((x) => isNum(x.threshold))?.threshold ?? DEFAULT_REVIEW_THRESHOLD;
}
