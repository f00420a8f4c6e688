/**
 * Export tasks: the CPU-heavy halves of the volume toolbar's exports (surface extraction,
 * volume encoding and compression, DICOM slice encoding), reading the loaded volume's
 * shared voxels in place. Main checks the destination before and writes or renames after.
 */
import path from 'node:path';
import type { SharedVolume, SurfaceStl, WorkerTaskProgress, WorkerTasks } from '../../../shared/contracts/workerTasks';
import { encodeVolumeFile } from '../../services/exportVolume';
import { seriesWriteError, writeSeriesSlices, type SeriesSlices } from '../../services/exportVolumeSeries';
import { surfaceStl } from '../../services/exportSurface';

type Progress = (p: WorkerTaskProgress) => void;

function volumeOf(req: SharedVolume): { dimensions: [number, number, number]; ijkToLps: number[]; voxels: Float32Array } {
  return { dimensions: req.dimensions, ijkToLps: req.ijkToLps, voxels: new Float32Array(req.voxels) };
}

export function surfaceOf(req: WorkerTasks['export:surface']['request'], progress: Progress): SurfaceStl {
  const { threshold, smoothIterations, decimate, largestOnly, ras } = req;
  const options = { threshold, ...(smoothIterations !== undefined && { smoothIterations }), ...(decimate !== undefined && { decimate }), ...(largestOnly !== undefined && { largestOnly }), ...(ras !== undefined && { ras }) };
  return surfaceStl(volumeOf(req), options, (stage, done, total) => progress({ stage, done, total }));
}

export function encodeVolumeOf(req: WorkerTasks['export:encodeVolume']['request'], progress: Progress): WorkerTasks['export:encodeVolume']['response'] {
  return encodeVolumeFile(volumeOf(req), req.format, (stage, done, total) => progress({ stage, done, total }));
}

export function dicomSeriesInto(req: WorkerTasks['export:dicomSeries']['request'], progress: Progress): SeriesSlices {
  try {
    return writeSeriesSlices(volumeOf(req), req.meta, req.folder, (done, total) => progress({ done, total }));
  } catch (err) {
    throw seriesWriteError(err, path.dirname(req.folder));
  }
}
