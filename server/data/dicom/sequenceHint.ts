/**
 * A guess at the MR sequence of a series (T1, T1c, T2, FLAIR, DWI, ADC, SWI) from the words scanners and
 * technologists put in Series Description, Sequence Name and Protocol Name, then from the contrast agent and
 * the timing (TR/TE/TI). Only a hint for the user: the model never sees it. Null when nothing says.
 */

export interface SequenceAttributes {
  sequenceName?: string | null;
  scanningSequence?: string | null;
  protocolName?: string | null;
  /** Contrast/Bolus Agent (0018,0010): present and not "none" after contrast. */
  contrastAgent?: string | null;
  /** Image Type (0008,0008) values: ADC maps say so there. */
  imageType?: readonly string[];
  inversionTime?: number | null;
  echoTime?: number | null;
  repetitionTime?: number | null;
}

export type SequenceHint = 'T1' | 'T1c' | 'T2' | 'FLAIR' | 'DWI' | 'ADC' | 'SWI';

export function sequenceHint(description: string | null, a: SequenceAttributes = {}): SequenceHint | null {
  const text = [description, a.sequenceName, a.protocolName].filter(Boolean).join(' ').toUpperCase().replace(/_/g, ' ');
  if (/\bADC\b|APPARENT DIFFUSION/.test(text) || a.imageType?.some((t) => t.toUpperCase() === 'ADC')) return 'ADC';
  if (/\bDWI\b|DIFFUSION|\bEP2D DIFF|\bTRACEW?\b|\bB ?1000\b/.test(text)) return 'DWI';
  if (/\bSWI\b|SUSCEPTIBILITY|\bSWAN\b|\bSWIP\b/.test(text)) return 'SWI';
  if (/FLAIR|\bTIRM\b|DARK ?FLUID/.test(text)) return 'FLAIR';
  const contrast = /(\+ ?C\b|\bC\+|POST|\bGD\b|GADO|\bGAD\b|CONTRAST|\bCE\b|\bKM\b)/.test(text) || hasAgent(a.contrastAgent);
  if (/\bT1|MPRAGE|MP ?RAGE|\bSPGR\b|\bFSPGR\b|\bBRAVO\b|\bTFL\b|\bVIBE\b/.test(text)) return contrast ? 'T1c' : 'T1';
  if (/\bT2|\bTSE\b|\bFSE\b/.test(text)) return 'T2';
  // Nothing in the words: the timing of a spin-echo sequence still tells T1 from T2 and FLAIR.
  const tr = a.repetitionTime ?? null, te = a.echoTime ?? null, ti = a.inversionTime ?? null;
  if (ti !== null && ti > 1500 && te !== null && te > 60) return 'FLAIR';
  if (tr !== null && te !== null && tr < 800 && te < 30) return contrast ? 'T1c' : 'T1';
  if (tr !== null && te !== null && tr > 2000 && te > 70) return 'T2';
  return null;
}

function hasAgent(agent: string | null | undefined): boolean {
  const v = agent?.trim().toUpperCase();
  return Boolean(v) && v !== 'NONE' && v !== 'NO' && v !== 'N/A';
}
