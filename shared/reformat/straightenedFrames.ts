/**
 * The path a straightened volume was cut along, recovered from its `transforms.json`: the
 * inverse of `sliceToWorldOf` (straighten.ts). Each sliceToWorld has columns s·N, s·B, T and
 * origin P − ((cols−1)/2)·s·N − ((rows−1)/2)·s·B, so the frame and the path point come straight
 * back out of its columns.
 */
import type { Vec3 } from '../math/vec3';

export interface StraightenedTransforms {
  /** [columns, rows] of every slice. */
  size: [number, number];
  /** [column, row] pixel size, mm. */
  pixelSpacing: [number, number];
  /** Arc length between slices, mm. */
  sliceSpacing: number;
  slices: { sliceToWorld: number[]; arcLength: number }[];
}

export interface SliceFrame {
  point: Vec3;
  normal: Vec3;
  binormal: Vec3;
  tangent: Vec3;
  arcLength: number;
}

function columnOf(m: readonly number[], c: number): Vec3 {
  return [m[c]!, m[4 + c]!, m[8 + c]!];
}

/** One frame per slice, the exact inverse of `sliceToWorldOf` (no re-orthonormalisation). */
/** The transforms.json content (without its from/to names) for slices cut at the given arc lengths. */
export function straightenedTransforms(sliceToWorld: readonly number[][], arcLengths: readonly number[], size: [number, number], pixelSpacing: number, sliceSpacing: number): StraightenedTransforms {
  return {
    size,
    pixelSpacing: [pixelSpacing, pixelSpacing],
    sliceSpacing,
    slices: sliceToWorld.map((m, k) => ({ sliceToWorld: [...m], arcLength: arcLengths[k]! })),
  };
}

export function slicesToFrames(t: StraightenedTransforms): SliceFrame[] {
  const [columns, rows] = t.size;
  const [sx, sy] = t.pixelSpacing;
  const c0 = (columns - 1) / 2;
  const r0 = (rows - 1) / 2;
  return t.slices.map(({ sliceToWorld: m, arcLength }) => {
    const col = columnOf(m, 0);
    const row = columnOf(m, 1);
    const origin = columnOf(m, 3);
    // The centre from the scaled columns directly: no divide-then-multiply round-off.
    const point: Vec3 = [0, 1, 2].map((a) => origin[a]! + c0 * col[a]! + r0 * row[a]!) as Vec3;
    return {
      point,
      normal: [col[0] / sx, col[1] / sx, col[2] / sx],
      binormal: [row[0] / sy, row[1] / sy, row[2] / sy],
      tangent: columnOf(m, 2),
      arcLength,
    };
  });
}

/** Relative tolerance for the frame checks: the file stores doubles, so anything looser is a broken writer. */
const FRAME_TOLERANCE = 1e-4;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

/** Parses and validates `transforms.json` (from "straightened-pixel" to "LPS"); throws an Error naming what is wrong. */
export function parseTransforms(json: string): StraightenedTransforms {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new Error(`transforms.json is not valid JSON: ${(e as Error).message}`);
  }
  if (!isRecord(data)) throw new Error('transforms.json must hold an object');
  if (data.from !== 'straightened-pixel' || data.to !== 'LPS') {
    throw new Error(`transforms.json must map "straightened-pixel" to "LPS" (got from ${JSON.stringify(data.from)} to ${JSON.stringify(data.to)})`);
  }
  const { size, pixelSpacing, sliceSpacing, slices } = data;
  if (!(Array.isArray(size) && size.length === 2 && size.every((n) => Number.isInteger(n) && (n as number) > 0))) {
    throw new Error(`transforms.json size must be [columns, rows], two positive integers (got ${JSON.stringify(size)})`);
  }
  if (!(Array.isArray(pixelSpacing) && pixelSpacing.length === 2 && pixelSpacing.every(positiveNumber))) {
    throw new Error(`transforms.json pixelSpacing must be two positive numbers of mm (got ${JSON.stringify(pixelSpacing)})`);
  }
  if (!positiveNumber(sliceSpacing)) throw new Error(`transforms.json sliceSpacing must be a positive number of mm (got ${JSON.stringify(sliceSpacing)})`);
  if (!(Array.isArray(slices) && slices.length > 0)) throw new Error('transforms.json slices must be a non-empty array');
  const [sx, sy] = pixelSpacing as [number, number];
  const parsed = slices.map((slice: unknown, k) => {
    if (!isRecord(slice)) throw new Error(`transforms.json slice ${k} must be an object`);
    const m = slice.sliceToWorld;
    if (!(Array.isArray(m) && m.length === 16 && m.every((x) => typeof x === 'number' && Number.isFinite(x)))) {
      throw new Error(`transforms.json slice ${k}: sliceToWorld must be 16 finite numbers (row-major 4x4)`);
    }
    const mm = m as number[];
    if (mm[12] !== 0 || mm[13] !== 0 || mm[14] !== 0 || mm[15] !== 1) throw new Error(`transforms.json slice ${k}: sliceToWorld's last row must be 0 0 0 1`);
    const n = columnOf(mm, 0).map((x) => x / sx);
    const b = columnOf(mm, 1).map((x) => x / sy);
    const t = columnOf(mm, 2);
    const dot = (p: number[], q: number[]): number => p[0]! * q[0]! + p[1]! * q[1]! + p[2]! * q[2]!;
    const unit = [dot(n, n), dot(b, b), dot(t, t)].every((l) => Math.abs(l - 1) < FRAME_TOLERANCE);
    const orthogonal = [dot(n, b), dot(n, t), dot(b, t)].every((d) => Math.abs(d) < FRAME_TOLERANCE);
    if (!unit || !orthogonal) {
      throw new Error(`transforms.json slice ${k}: sliceToWorld columns must be pixelSpacing × an orthonormal frame (normal, binormal, tangent)`);
    }
    const cr = [n[1]! * b[2]! - n[2]! * b[1]!, n[2]! * b[0]! - n[0]! * b[2]!, n[0]! * b[1]! - n[1]! * b[0]!];
    if (dot(cr, t) < 0) throw new Error(`transforms.json slice ${k}: the frame is left-handed (normal × binormal must be the tangent)`);
    const arcLength = slice.arcLength;
    if (!(typeof arcLength === 'number' && Number.isFinite(arcLength))) throw new Error(`transforms.json slice ${k}: arcLength must be a finite number`);
    return { sliceToWorld: mm, arcLength };
  });
  for (let k = 1; k < parsed.length; k++) {
    if (!(parsed[k]!.arcLength > parsed[k - 1]!.arcLength)) throw new Error(`transforms.json slice ${k}: arcLength must increase along the slices`);
  }
  return { size: size as [number, number], pixelSpacing: pixelSpacing as [number, number], sliceSpacing, slices: parsed };
}
