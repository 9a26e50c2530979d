import { planSegments } from './segment-planner';
import { detectEncoding, type TextEncoding } from './text-encoding';

export interface TextAnalysis {
  encoding: TextEncoding;
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  units: number;
  /** Number of SMS parts the splitter will send. */
  parts: number;
}

/** Encoding, size and part count of a text, computed by the same planner the splitter uses. */
export function analyseText(text: string): TextAnalysis {
  const encoding = detectEncoding(text);
  const plan = planSegments(text, encoding);
  return { encoding, units: plan.units, parts: plan.segments.length };
}
