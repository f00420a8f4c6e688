/**
 * Generator → writeDicom → readDicomHeader → buildIndex, proving the whole chain
 * against the phantoms' ground truth (marker positions in LPS, the expected geometry).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { valueOffsets } from '../../test/fixtures/manyFiles';
import { writeManyFiles } from '../../test/fixtures/manyFiles';
import { writeRotationalRun } from '../../test/fixtures/rotationalRun';
import { writeVolumePhantom, type PhantomOrientation, type VolumePhantomTruth } from '../../test/fixtures/volumePhantom';
import { transformPoint } from '../math/mat4';
import { distance, type Vec3 } from '../math/vec3';
import { buildIndex } from './buildIndex';
import type { DicomHeader } from './DicomHeader';
import { readDicomHeader } from './readDicomHeader';
import type { SeriesPlan } from './SeriesPlan';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-index-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function readFolder(dir: string): DicomHeader[] {
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return files.map((e) => {
    const file = path.join(e.parentPath, e.name);
    const bytes = new Uint8Array(fs.readFileSync(file));
    return readDicomHeader(bytes, file, bytes.length);
  });
}

function indexFolder(dir: string) {
  return buildIndex({ folder: dir, headers: readFolder(dir), skipped: [], elapsedSeconds: 0 });
}

/** HU of every voxel, slices in plan order, read straight from the uncompressed pixel data. */
function loadHu(plan: SeriesPlan): Float32Array {
  const [cols, rows, slices] = plan.geometry!.dimensions;
  const hu = new Float32Array(cols * rows * slices);
  plan.frames.forEach((frame, k) => {
    const bytes = new Uint8Array(fs.readFileSync(frame.file));
    const where = valueOffsets(bytes).get(0x7fe00010)!;
    const stored = new Uint16Array(bytes.buffer.slice(bytes.byteOffset + where.offset, bytes.byteOffset + where.offset + where.length));
    const { rescaleSlope, rescaleIntercept } = plan.pixelFormat!;
    for (let n = 0; n < cols * rows; n++) hu[k * cols * rows + n] = stored[n] * rescaleSlope + rescaleIntercept;
  });
  return hu;
}

/** Centroid (LPS, via the plan's ijkToLps) and count of bright voxels within `radius` mm of `near`. */
function brightCentroid(plan: SeriesPlan, hu: Float32Array, near: Vec3, radius: number): { centre: Vec3; count: number } {
  const [cols, rows, slices] = plan.geometry!.dimensions;
  const sum: Vec3 = [0, 0, 0];
  let count = 0;
  for (let k = 0; k < slices; k++) {
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < cols; i++) {
        if (hu[(k * rows + j) * cols + i] < 500) continue;
        const p = transformPoint(plan.geometry!.ijkToLps, [i, j, k]);
        if (distance(p, near) > radius) continue;
        sum[0] += p[0];
        sum[1] += p[1];
        sum[2] += p[2];
        count++;
      }
    }
  }
  return { centre: [sum[0] / count, sum[1] / count, sum[2] / count], count };
}

function expectMatrixClose(actual: number[], expected: number[], digits = 4): void {
  expected.forEach((v, n) => expect(actual[n]).toBeCloseTo(v, digits));
}

describe('round trip: volume phantom → readDicomHeader → buildIndex', () => {
  const orientations: PhantomOrientation[] = ['axial', 'rotated', 'coronal', 'oblique'];
  it.each(orientations)('%s: sorted stack, exact ijkToLps, markers at their true LPS positions', (orientation) => {
    const truth: VolumePhantomTruth = writeVolumePhantom({ dir: path.join(tmp, orientation), orientation, seed: 7 });
    const { result, plans } = indexFolder(truth.dir);
    expect(result.series).toHaveLength(1);
    const s = result.series[0];
    expect(s.uid).toBe(truth.seriesInstanceUid);
    expect(s.kind).toBe('volume');
    expect(s.warnings).toEqual([]);
    expect(s.dimensions).toEqual(truth.dimensions);
    s.spacing.forEach((v, n) => expect(v).toBeCloseTo(truth.spacing[n], 6));
    expectMatrixClose(s.ijkToLps!, truth.ijkToLps);
    const plan = plans.get(s.uid)!;
    expect(plan.frames.map((f) => f.file)).toEqual(truth.files);

    const hu = loadHu(plan);
    const voxelMm3 = truth.spacing[0] * truth.spacing[1] * truth.spacing[2];
    for (const marker of truth.markers) {
      const found = brightCentroid(plan, hu, marker.centre, marker.radius * 3);
      const expectedCount = ((4 / 3) * Math.PI * marker.radius ** 3) / voxelMm3;
      expect(found.count).toBeGreaterThan(0.8 * expectedCount);
      expect(found.count).toBeLessThan(1.2 * expectedCount);
      expect(distance(found.centre, marker.centre)).toBeLessThan(0.3);
    }
  });

  it('gantry tilt 15°: detected with its angle, voxels still where the patient was', () => {
    const truth = writeVolumePhantom({ dir: path.join(tmp, 'tilt'), orientation: 'axial', gantryTiltDeg: 15, seed: 3 });
    const { result, plans } = indexFolder(truth.dir);
    const s = result.series[0];
    expect(s.warnings).toEqual(['Gantry tilt of 15.0°: slices are sheared; Lumen keeps the exact geometry.']);
    expectMatrixClose(s.ijkToLps!, truth.ijkToLps);
    const plan = plans.get(s.uid)!;
    const hu = loadHu(plan);
    const found = brightCentroid(plan, hu, truth.markers[0].centre, 15);
    expect(distance(found.centre, truth.markers[0].centre)).toBeLessThan(0.3);
  });

  it('a dropped slice is warned with the positions either side', () => {
    const truth = writeVolumePhantom({ dir: path.join(tmp, 'drop'), orientation: 'axial', dropSlices: [20], seed: 4 });
    const { result, plans } = indexFolder(truth.dir);
    const s = result.series[0];
    const z = (k: number) => `${truth.positions[k][2].toFixed(1).replace('-', '−')} mm`;
    expect(s.warnings).toEqual([`1 slice missing between z = ${z(19)} and z = ${z(21)} (spacing 1.5 mm elsewhere).`]);
    expect(plans.get(s.uid)!.geometry!.uniformSpacing).toBe(false);
    expect(s.dimensions[2]).toBe(63);
  });

  it('duplicate slice file is left out with a warning', () => {
    const truth = writeVolumePhantom({ dir: path.join(tmp, 'dup'), size: [32, 32, 8], duplicateSlice: 3, seed: 5 });
    const s = indexFolder(truth.dir).result.series[0];
    expect(s.files).toBe(9);
    expect(s.frames).toBe(8);
    expect(s.warnings).toEqual(['1 image at the same position as another slice was left out of the volume.']);
  });
});

describe('round trip: rotational run and many files', () => {
  it('the generated spin is one rotational-projections series of 133 frames', () => {
    const run = writeRotationalRun({ dir: path.join(tmp, 'spin'), detector: [64, 64], pixelMm: 4.8 });
    const { result, plans } = indexFolder(path.join(tmp, 'spin'));
    expect(result.series).toHaveLength(1);
    const s = result.series[0];
    expect(s.uid).toBe(run.seriesInstanceUid);
    expect(s.kind).toBe('rotational-projections');
    expect(s.frames).toBe(133);
    expect(s.dimensions).toEqual([64, 64, 133]);
    const rep = plans.get(s.uid)!.representative;
    expect(rep.positionerPrimaryAngleIncrement).toHaveLength(133);
    expect(rep.distanceSourceToDetector).toBe(1200);
  });

  it('a folder of many files indexes into its series, sorted by series number', () => {
    const many = writeManyFiles({ dir: path.join(tmp, 'many'), count: 600, slicesPerSeries: 100, seriesPerStudy: 3 });
    const { result } = indexFolder(many.dir);
    expect(result.series).toHaveLength(6);
    expect(result.series.every((s) => s.kind === 'volume' && s.frames === 100 && s.warnings.length === 0)).toBe(true);
    expect(result.patients).toHaveLength(2);
    expect(result.patients[0].studies[0].seriesUids).toEqual(many.series.slice(0, 3).map((s) => s.uid));
    const bySeries = new Map(result.series.map((s) => [s.uid, s]));
    for (const s of many.series) expect(bySeries.get(s.uid)!.spacing[2]).toBeCloseTo(s.sliceMm, 6);
  });
});
