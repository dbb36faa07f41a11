/**
 * The exported report's model card: intended use (research only, never clinical), the model, the data and its known
 * leakage, the figures side by side (reportValidationHtml.ts) and the limitations. It is written to travel with the
 * model, so it states its limits in words a reader without this extension can check.
 */
import * as l10n from '@vscode/l10n';
import type { EvaluationReport } from '../protocol';
import { className } from '../data/classNames';
import { dec, int, pct } from '../numberFormat';
import { externalSets, trainingSources } from './optionalParts';
import { esc } from './reportHtmlParts';
import { modelCardFigures } from './reportValidationHtml';

/** The card as one <section>; the accuracy it quotes for the official and deduplicated splits comes from the report itself. */
export function modelCard(r: EvaluationReport): string {
  const official = r.splits.find((s) => s.key === 'official');
  const dedup = r.splits.find((s) => s.key === 'deduplicated');
  const size = esc(int(r.model.inputSize));
  const classes = esc(int(r.classes.length)), names = r.classes.map((c) => esc(className(c))).join(', '), params = esc(int(r.model.params));
  const temperature = r.calibration ? esc(dec(r.calibration.temperature, 3)) : '';
  const model = r.model.channels === 1
    ? (r.calibration ? l10n.t('{0}: a convolutional network taking one {1} × {1} px\ngreyscale slice and returning a probability for each of {2} classes\n({3}); {4} trainable parameters; probabilities divided by a temperature of {5} fitted on validation images.',
      esc(r.model.name), size, classes, names, params, temperature)
      : l10n.t('{0}: a convolutional network taking one {1} × {1} px\ngreyscale slice and returning a probability for each of {2} classes\n({3}); {4} trainable parameters.',
        esc(r.model.name), size, classes, names, params))
    : (r.calibration ? l10n.t('{0}: a convolutional network taking one {1} × {1} px\nRGB slice and returning a probability for each of {2} classes\n({3}); {4} trainable parameters; probabilities divided by a temperature of {5} fitted on validation images.',
      esc(r.model.name), size, classes, names, params, temperature)
      : l10n.t('{0}: a convolutional network taking one {1} × {1} px\nRGB slice and returning a probability for each of {2} classes\n({3}); {4} trainable parameters.',
        esc(r.model.name), size, classes, names, params));
  const sources = trainingSources(r);
  const several = sources.length > 1
    ? l10n.t('This model trained on {0} dataset folders together: {1}.', esc(int(sources.length)), sources.map((x) => `<code>${esc(x)}</code>`).join(', ')) : '';
  return `<section class="model-card"><h2>${l10n.t('Model card')}</h2>
<h3>${l10n.t('Intended use')}</h3>
<p>${l10n.t('Research and education: studying how image classifiers behave on brain MRI, comparing architectures and training settings, teaching evaluation\npractice (leakage, calibration, per-class errors). <strong>Not for clinical use.</strong> This model must not be used to diagnose, triage, screen or\ntreat patients, nor to support any such decision. It is not a medical device and has not been validated, cleared or approved by any regulator.')}</p>
<h3>${l10n.t('Model')}</h3>
<p>${model}</p>
<h3>${l10n.t('Data')}</h3>
<p>${l10n.t('Trained and tested on the Kaggle "Brain Tumor MRI Dataset" by Masoud Nickparvar (kaggle.com/datasets/masoudnickparvar/brain-tumor-mri-dataset),\nwhich merges three earlier public collections: figshare (Cheng et al.), SARTAJ and Br35H. Images are 2-D slices in several planes\n(axial, coronal, sagittal) and sequences, of varied sizes, exported as JPEG; patient identifiers, acquisition details and scanner metadata are not available.')}
${several}</p>
<h3>${l10n.t('Known leakage')}</h3>
<p>${l10n.t('{0} Testing images have a byte-identical or near copy in Training (a perceptual hash within {1} bits),\npartly because the merged sources overlap. A model can score these by memory, so the official Testing accuracy\n({2}) overstates performance on unseen scans. That is why this report also scores the\n<em>deduplicated</em> split ({3} on {4} images), which leaves them out. Slices of the same patient may\nstill sit on both sides of the split undetected: there are no patient identifiers to check.',
    esc(int(r.leaks.count)), esc(int(r.leaks.nearThreshold)), esc(pct(official?.accuracy)), esc(pct(dedup?.accuracy)), esc(int(dedup?.count)))}</p>
${modelCardFigures(r)}
<h3>${l10n.t('Limitations')}</h3>
<ul>
<li>${l10n.t('One 2-D slice at a time: no volume, no other sequences, no clinical context, which a radiologist always has.')}</li>
<li>${l10n.t('Four classes only (glioma, meningioma, pituitary tumour, no tumour). Other tumours, metastases, lesions, artefacts and post-operative changes\nare forced into one of these four classes.')}</li>
<li>${l10n.t('No tumour grading, no segmentation and no localisation: the output says nothing about where a tumour is, its size or its grade.')}</li>
<li>${externalSets(r).length
    ? l10n.t('Distribution shift: the images come from a few sources; scanners, field strengths, protocols, populations and pre-processing elsewhere differ,\nand accuracy on them is likely lower, as the external sets above show for the sources they come from.')
    : l10n.t('Distribution shift: the images come from a few sources; scanners, field strengths, protocols, populations and pre-processing elsewhere differ,\nand accuracy on them is unknown and likely lower.')}</li>
<li>${l10n.t('Calibration: probabilities are calibrated (if at all) on validation images from the same sources. They are not trustworthy under distribution\nshift, and a confident prediction can still be wrong (see the reliability diagrams and the misclassified images).')}</li>
<li>${l10n.t('Class balance and the composition of the test set differ from any clinical population, so accuracy, precision and recall here do not transfer\nto prevalence in practice.')}</li>
</ul>
</section>`;
}
