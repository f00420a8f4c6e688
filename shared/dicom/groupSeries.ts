/**
 * Groups headers into series. Files sharing a Series Instance UID form one series,
 * split further into stacks of compatible images (same size, orientation, pixel
 * spacing and frame count) so a localizer filed among axials never lands in the
 * volume. Files without a series UID are grouped by frame of reference, orientation,
 * pixel geometry and folder, under a UID hashed from that key (stable across runs).
 */
import type { DicomHeader, Orientation } from './DicomHeader';
import { frameOrientation, framePixelSpacing, planeName, sameOrientation } from './frameGeometry';
import { stableUid } from './uid';
import { splitOffWarning, splitSourceWarning, synthesisedUidWarning } from './seriesWarnings';

export interface SeriesGroup {
  uid: string;
  uidSynthesised: boolean;
  headers: DicomHeader[];
  warnings: string[];
}

function present(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

export function folderOf(file: string): string {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return cut >= 0 ? file.slice(0, cut) : '';
}

function rounded(values: readonly number[] | undefined, digits: number): string {
  return values ? values.map((v) => v.toFixed(digits)).join(',') : '-';
}

/** The grouping key for files without a series UID: never merges incompatible images. */
function fallbackKey(h: DicomHeader): string {
  return [
    'fallback',
    present(h.studyInstanceUid) ?? '',
    present(h.frameOfReferenceUid) ?? '',
    h.modality ?? '',
    rounded(frameOrientation(h), 4),
    `${h.rows ?? 0}x${h.columns ?? 0}x${h.numberOfFrames}`,
    rounded(framePixelSpacing(h), 4),
    h.hasPixelData ? 'pixels' : 'no-pixels',
    folderOf(h.file),
  ].join('|');
}

interface Stack {
  headers: DicomHeader[];
}

function sameSpacing(a: [number, number] | undefined, b: [number, number] | undefined): boolean {
  if (!a || !b) return a === b;
  return Math.abs(a[0] - b[0]) <= 1e-3 * Math.max(1, a[0]) && Math.abs(a[1] - b[1]) <= 1e-3 * Math.max(1, a[1]);
}

/** Why two headers cannot share a stack, or [] when they can. */
export function incompatibilities(a: DicomHeader, b: DicomHeader): string[] {
  const reasons: string[] = [];
  if (a.hasPixelData !== b.hasPixelData) return ['pixel data'];
  if (!a.hasPixelData) return reasons;
  if (a.rows !== b.rows || a.columns !== b.columns || a.samplesPerPixel !== b.samplesPerPixel) reasons.push('image size');
  if (!sameOrientation(frameOrientation(a), frameOrientation(b))) reasons.push('orientation');
  if (!sameSpacing(framePixelSpacing(a), framePixelSpacing(b))) reasons.push('pixel spacing');
  if (a.numberOfFrames !== b.numberOfFrames) reasons.push('frame count');
  return reasons;
}

function splitIntoStacks(headers: readonly DicomHeader[]): Stack[] {
  const stacks: Stack[] = [];
  for (const h of headers) {
    const home = stacks.find((s) => incompatibilities(s.headers[0], h).length === 0);
    if (home) home.headers.push(h);
    else stacks.push({ headers: [h] });
  }
  const frameCount = (s: Stack) => s.headers.reduce((n, h) => n + Math.max(1, h.numberOfFrames), 0);
  // The biggest stack keeps the plain UID so `--series UID` finds the main images.
  return stacks.sort(
    (x, y) => frameCount(y) - frameCount(x) || y.headers.length - x.headers.length || x.headers[0].file.localeCompare(y.headers[0].file),
  );
}

export function describeStack(h: DicomHeader, files: number): string {
  const o: Orientation | undefined = frameOrientation(h);
  const size = h.rows && h.columns ? `${h.columns}×${h.rows}` : 'unknown-size';
  const plane = o ? ` ${planeName(o)}` : '';
  const frames = h.numberOfFrames > 1 ? ` (${h.numberOfFrames} frames each)` : '';
  return `${files} ${size}${plane} image${files === 1 ? '' : 's'}${frames}`;
}

export function groupSeries(headers: readonly DicomHeader[]): SeriesGroup[] {
  const buckets = new Map<string, { uid: string; synthesised: boolean; headers: DicomHeader[] }>();
  for (const h of headers) {
    const seriesUid = present(h.seriesInstanceUid);
    let key: string;
    let uid: string;
    if (h.isDicomDir) {
      key = `dicomdir|${h.file}`;
      uid = stableUid(key);
    } else if (seriesUid) {
      key = `uid|${seriesUid}`;
      uid = seriesUid;
    } else {
      key = fallbackKey(h);
      uid = stableUid(key);
    }
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { uid, synthesised: !seriesUid, headers: [] };
      buckets.set(key, bucket);
    }
    bucket.headers.push(h);
  }

  const groups: SeriesGroup[] = [];
  for (const bucket of buckets.values()) {
    const base: string[] = bucket.synthesised && !bucket.headers[0].isDicomDir ? [synthesisedUidWarning()] : [];
    const stacks = splitIntoStacks(bucket.headers);
    const main = stacks[0];
    const splitUids = stacks.slice(1).map((_, n) => `${bucket.uid}.s${n + 2}`);
    groups.push({
      uid: bucket.uid,
      uidSynthesised: bucket.synthesised,
      headers: main.headers,
      warnings: stacks.length > 1 ? [...base, splitSourceWarning(stacks.slice(1).map((s) => describeStack(s.headers[0], s.headers.length)), splitUids)] : base,
    });
    stacks.slice(1).forEach((stack, n) => {
      groups.push({
        uid: splitUids[n],
        uidSynthesised: bucket.synthesised,
        headers: stack.headers,
        warnings: [
          ...base,
          splitOffWarning({
            sourceUid: bucket.uid,
            what: describeStack(stack.headers[0], stack.headers.length),
            count: stack.headers.length,
            main: describeStack(main.headers[0], main.headers.length),
            reasons: incompatibilities(main.headers[0], stack.headers[0]),
          }),
        ],
      });
    });
  }
  return groups;
}
