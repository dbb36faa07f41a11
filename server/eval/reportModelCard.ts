/**
 * The exported report's model card: intended use (research only, never clinical), the model, the data and its known
 * leakage, the figures side by side (reportValidationHtml.ts) and the limitations. It is written to travel with the
 * model, so it states its limits in words a reader without this extension can check.
 */
import type { EvaluationReport } from '../protocol';
import { dec, int, pct } from '../numberFormat';
import { externalSets, trainingSources } from './optionalParts';
import { esc } from './reportHtmlParts';
import { modelCardFigures } from './reportValidationHtml';

/** The card as one <section>; the accuracy it quotes for the official and deduplicated splits comes from the report itself. */
export function modelCard(r: EvaluationReport): string {
  const official = r.splits.find((s) => s.key === 'official');
  const dedup = r.splits.find((s) => s.key === 'deduplicated');
  return `<section class="model-card"><h2>Model card</h2>
<h3>Intended use</h3>
<p>Research and education: studying how image classifiers behave on brain MRI, comparing architectures and training settings, teaching evaluation
practice (leakage, calibration, per-class errors). <strong>Not for clinical use.</strong> This model must not be used to diagnose, triage, screen or
treat patients, nor to support any such decision. It is not a medical device and has not been validated, cleared or approved by any regulator.</p>
<h3>Model</h3>
<p>${esc(r.model.name)}: a convolutional network taking one ${esc(int(r.model.inputSize))} × ${esc(int(r.model.inputSize))} px
${r.model.channels === 1 ? 'greyscale' : 'RGB'} slice and returning a probability for each of ${esc(int(r.classes.length))} classes
(${r.classes.map(esc).join(', ')}); ${esc(int(r.model.params))} trainable parameters${r.calibration ? `; probabilities divided by a temperature of ${esc(dec(r.calibration.temperature, 3))} fitted on validation images` : ''}.</p>
<h3>Data</h3>
<p>Trained and tested on the Kaggle "Brain Tumor MRI Dataset" by Masoud Nickparvar (kaggle.com/datasets/masoudnickparvar/brain-tumor-mri-dataset),
which merges three earlier public collections: figshare (Cheng et al.), SARTAJ and Br35H. Images are 2-D slices in several planes
(axial, coronal, sagittal) and sequences, of varied sizes, exported as JPEG; patient identifiers, acquisition details and scanner metadata are not available.
${trainingSources(r).length > 1 ? `This model trained on ${esc(int(trainingSources(r).length))} dataset folders together: ${trainingSources(r).map((x) => `<code>${esc(x)}</code>`).join(', ')}.` : ''}</p>
<h3>Known leakage</h3>
<p>${esc(int(r.leaks.count))} Testing images have a byte-identical or near copy in Training (a perceptual hash within ${esc(int(r.leaks.nearThreshold))} bits),
partly because the merged sources overlap. A model can score these by memory, so the official Testing accuracy
(${esc(pct(official?.accuracy))}) overstates performance on unseen scans. That is why this report also scores the
<em>deduplicated</em> split (${esc(pct(dedup?.accuracy))} on ${esc(int(dedup?.count))} images), which leaves them out. Slices of the same patient may
still sit on both sides of the split undetected: there are no patient identifiers to check.</p>
${modelCardFigures(r)}
<h3>Limitations</h3>
<ul>
<li>One 2-D slice at a time: no volume, no other sequences, no clinical context, which a radiologist always has.</li>
<li>Four classes only (glioma, meningioma, pituitary tumour, no tumour). Other tumours, metastases, lesions, artefacts and post-operative changes
are forced into one of these four classes.</li>
<li>No tumour grading, no segmentation and no localisation: the output says nothing about where a tumour is, its size or its grade.</li>
<li>Distribution shift: the images come from a few sources; scanners, field strengths, protocols, populations and pre-processing elsewhere differ,
and accuracy on them is ${externalSets(r).length ? 'likely lower, as the external sets above show for the sources they come from' : 'unknown and likely lower'}.</li>
<li>Calibration: probabilities are calibrated (if at all) on validation images from the same sources. They are not trustworthy under distribution
shift, and a confident prediction can still be wrong (see the reliability diagrams and the misclassified images).</li>
<li>Class balance and the composition of the test set differ from any clinical population, so accuracy, precision and recall here do not transfer
to prevalence in practice.</li>
</ul>
</section>`;
}
