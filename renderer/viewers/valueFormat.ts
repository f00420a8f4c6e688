/**
 * Modality values as text for overlays and probes (window/level, the value under the
 * cursor): whole numbers for integer-scale data (HU: "40"), otherwise about three
 * significant digits at the scale of what is on screen (μ in mm⁻¹: "0.0213").
 */
import { valueSpan, type ValueScale } from './windowLevel';

/**
 * Decimals that resolve a hundredth to a thousandth of the values on screen: the window's
 * width, or the value range when that is narrower (a window wider than the data says
 * nothing about the data's scale). 0 for spans ≥ 100, 4 for spans of 0.01–0.1.
 */
export function valueDecimals(scale: ValueScale, windowWidth: number): number {
  if (scale.integer) return 0;
  const span = Math.min(valueSpan(scale.range), windowWidth > 0 ? windowWidth : Infinity);
  return Math.min(12, Math.max(0, 2 - Math.floor(Math.log10(span))));
}

export function formatValue(value: number, scale: ValueScale, windowWidth: number): string {
  const text = value.toFixed(valueDecimals(scale, windowWidth));
  // A negative value that rounds to zero reads as "0", not "-0.0000".
  return /^-[0.]+$/.test(text) ? text.slice(1) : text;
}

/** The "W … L …" of an overlay. */
export function formatWindow(center: number, width: number, scale: ValueScale, separator = ' '): string {
  return `W ${formatValue(width, scale, width)}${separator}L ${formatValue(center, scale, width)}`;
}
