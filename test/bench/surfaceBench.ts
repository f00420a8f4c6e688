/**
 * `lumen surface`'s benchmark: the chest CT's bone surface at 300 HU, by Lumen's
 * marching cubes (shared/mesh, TypeScript, one thread) and by VTK's vtkFlyingEdges3D
 * and vtkMarchingCubes (python3-vtk9, C++; flying edges is multi-threaded), with the
 * triangle counts and areas side by side.
 *
 * Both sides get the same float32 voxels with the CT's spacing and no capping at the
 * borders (VTK leaves the cut ends open), and time the extraction alone; Lumen's full
 * export (capped, written as STL) is a row of its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportSurfaceReport } from '../../electron/services/exportSurface';
import { DicomIndexService } from '../../electron/services/DicomIndexService';
import { VolumeService } from '../../electron/services/VolumeService';
import { WorkerPool } from '../../electron/services/WorkerPool';
import { marchingCubes } from '../../shared/mesh/marchingCubes';
import { surfaceArea } from '../../shared/mesh/meshMeasures';
import { ctChestDir } from '../support/referenceTools';
import { vtkIsosurface } from '../support/vtkSurface';
import type { ReconBenchRow } from './reconBench';

const THRESHOLD = 300;

/** Rows for `npm run bench` (the ReconBenchRow shape). */
export async function benchSurface(): Promise<ReconBenchRow[]> {
  const task = `bone surface of the chest CT at ${THRESHOLD} HU`;
  if (!fs.existsSync(ctChestDir)) return [{ task, tool: '—', seconds: null, note: '../shared/data absent' }];
  const pool = new WorkerPool();
  const rows: ReconBenchRow[] = [];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-surface-bench-'));
  try {
    const index = new DicomIndexService(pool);
    const series = (await index.index(ctChestDir)).series.find((s) => s.kind === 'volume')!;
    const volume = await new VolumeService(pool).load(index.requirePlan(series.uid));
    const voxels = new Float32Array(volume.voxels);
    const grid = { dimensions: volume.dimensions, ijkToLps: volume.ijkToLps, voxels };
    const [nx, ny, nz] = volume.dimensions;
    const size = `${nx}×${ny}×${nz}`;

    const runs: { seconds: number; cpu: number; triangles: number; area: number }[] = [];
    for (let r = 0; r < 3; r++) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const mesh = marchingCubes(grid, { threshold: THRESHOLD, closeAtBorders: false });
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      runs.push({ seconds, cpu: (cpu.user + cpu.system) / 1e6, triangles: mesh.triangles.length / 3, area: surfaceArea(mesh) });
    }
    const lumen = [...runs].sort((a, b) => a.seconds - b.seconds)[1]!;
    const cubes = (nx - 1) * (ny - 1) * (nz - 1);
    rows.push({
      task: `${task} (${size}), extraction`,
      tool: 'Lumen marchingCubes (TS, 1 thread)',
      seconds: lumen.seconds,
      perSecond: `${(cubes / lumen.seconds / 1e6).toFixed(0)} M cubes/s`,
      note: `median of 3, CPU ${lumen.cpu.toFixed(2)} s; ${lumen.triangles} triangles, ${(lumen.area / 100).toFixed(0)} cm²; open at the borders like VTK`,
    });
    for (const method of ['flying-edges', 'marching-cubes'] as const) {
      const tool = method === 'flying-edges' ? 'vtkFlyingEdges3D' : 'vtkMarchingCubes';
      const vtk = vtkIsosurface({ dimensions: volume.dimensions, spacing: volume.spacing, voxels, threshold: THRESHOLD, method, repeats: 3 });
      if (!vtk) {
        rows.push({ task: `${task} (${size}), extraction`, tool, seconds: null, note: 'python3-vtk9 not installed' });
        continue;
      }
      rows.push({
        task: `${task} (${size}), extraction`,
        tool: `${tool} (VTK ${vtk.version}, C++)`,
        seconds: vtk.seconds,
        perSecond: `${(cubes / vtk.seconds / 1e6).toFixed(0)} M cubes/s`,
        ratio: `${(vtk.seconds / lumen.seconds).toFixed(2)}×`,
        note: `median of 3, ${vtk.threads} threads (${vtk.backend}); ${vtk.triangles} triangles (Lumen ${((100 * lumen.triangles) / vtk.triangles).toFixed(1)}%), area Lumen/VTK ${(lumen.area / vtk.area).toFixed(4)}`,
      });
    }

    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const report = await exportSurfaceReport(grid, { threshold: THRESHOLD, smoothIterations: 15, decimate: 0.25, largestOnly: true }, path.join(scratch, 'bone.stl'), []);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const t = report.timings;
    rows.push({
      task: `${task}: capped, largest, 15 Taubin, decimated to 25%, STL`,
      tool: 'Lumen exportSurface (TS, 1 thread)',
      seconds,
      note: `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s; ${report.triangles} triangles (${report.components} components before --largest); MC ${t.marchingCubes_s.toFixed(2)} s, components ${t.largest_s.toFixed(2)} s, smooth ${t.smooth_s.toFixed(2)} s, decimate ${t.decimate_s.toFixed(2)} s, write ${t.write_s.toFixed(2)} s`,
    });
  } finally {
    await pool.destroy();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}
