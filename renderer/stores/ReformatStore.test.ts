/**
 * The panel's planes and fold warning against the engine: the same planes as the exporter's
 * planStraightening, and fold runs that match the voxel-wise Jacobian map (jacobian.nrrd's source).
 */
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../shared/math/vec3';
import { foldReport, jacobianMap } from '../../shared/reformat/jacobian';
import { slicesToFrames } from '../../shared/reformat/straightenedFrames';
import { LumenClient } from '../ipc/LumenClient';
import { PathStore } from './PathStore';
import { ReformatStore } from './ReformatStore';
import { testVolume, unusedBridge } from './reformatTestSetup';
import { ViewerStore } from './ViewerStore';

const volume = testVolume;

function setup(points: Vec3[]): { reformat: ReformatStore; viewer: ViewerStore } {
  const viewer = new ViewerStore();
  viewer.setVolume(volume);
  const paths = new PathStore();
  for (const p of points) paths.addPoint(p);
  return { reformat: new ReformatStore(new LumenClient(unusedBridge), viewer, paths), viewer };
}

/** A U-turn of radius 12 mm between two straight legs. */
function uTurn(): Vec3[] {
  const points: Vec3[] = [[-12, 0, -30], [-12, 0, -15]];
  for (let a = 15; a < 180; a += 15) points.push([-12 * Math.cos((a * Math.PI) / 180), 0, 12 * Math.sin((a * Math.PI) / 180)]);
  points.push([12, 0, -15], [12, 0, -30]);
  return points;
}

describe('ReformatStore', () => {
  it('defaults follow `lumen straighten`: the finest in-plane spacing, step = spacing', () => {
    const { reformat } = setup([[0, 0, -20], [0, 0, 20]]);
    expect(reformat.parameters).toMatchObject({ columns: 512, rows: 512, spacing: 0.5, step: 0.5, interpolation: 'linear', viewDirection: [0, 1, 0] });
    expect(reformat.plan!.sliceToWorld).toHaveLength(81);
    // Float32 value and mask byte per output voxel, plus the volume's float32-sized copy for the SIMD sampler.
    expect(reformat.outputBytes).toBe(5 * 512 * 512 * 81 + 4 * 60 * 60 * 40);
    expect(reformat.foldedRuns).toEqual([]);
  });

  it('choosing projections or sampling keeps the planes and a painted label; a new size re-cuts them', () => {
    const { reformat } = setup([[0, 0, -20], [0, 0, 20]]);
    const plan = reformat.plan;
    reformat.labels!.paintDisc(3, 100, 100, 4, 1);
    reformat.toggleProjection('xray');
    reformat.update({ interpolation: 'cubic', slabMm: 10 });
    expect(reformat.plan).toBe(plan);
    expect(reformat.labels!.isEmpty).toBe(false);
    reformat.update({ columns: 256 });
    expect(reformat.plan).not.toBe(plan);
    expect(reformat.labels!.isEmpty).toBe(true);
  });

  it('says why there is nothing to straighten', () => {
    const { reformat } = setup([[0, 0, 0]]);
    expect(reformat.plan).toBeNull();
    expect('error' in reformat.planResult && reformat.planResult.error).toMatch(/at least two path points/);
  });

  it('fold runs on a tight U-turn are the slices where the voxel-wise Jacobian reaches 0', () => {
    const { reformat } = setup(uTurn());
    reformat.update({ columns: 41, rows: 41, spacing: 1, step: 1 });
    const t = reformat.transforms!;
    const frames = slicesToFrames(t);
    const report = foldReport(jacobianMap(frames, t.size, t.pixelSpacing), frames, t.size);
    expect(report.regions.length).toBeGreaterThan(0);
    expect(reformat.foldedRuns.map((r) => [r.first, r.last])).toEqual(report.regions.map((r) => [r.firstSlice, r.lastSlice]));
    // A slice narrower than the bend's radius does not fold.
    reformat.update({ columns: 15, rows: 15 });
    expect(reformat.foldedRuns).toEqual([]);
  });

  it('moving the cursor moves the 3-up crosshair to the path point', () => {
    const { reformat, viewer } = setup([[0, 0, -20], [0, 0, 20]]);
    reformat.setSlice(40);
    expect(viewer.crosshair.map((c) => Math.round(c * 1e6) / 1e6)).toEqual([0, 0, 0]);
    reformat.setSlice(1e6);
    expect(reformat.slice).toBe(80);
  });
});
