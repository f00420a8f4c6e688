/**
 * The straightened→original inverse in a worker: map-back (the label volume arrives
 * shared, the mapped labels leave by transfer) and the inverse displacement field.
 */
import type { WorkerTasks } from '../../../shared/contracts/workerTasks';
import { inverseDisplacementField } from '../../../shared/reformat/inverseDisplacementField';
import { mapBack } from '../../../shared/reformat/mapBack';

type Task = WorkerTasks['reformat:mapBack'];

export function mapBackFromShared(req: Task['request']): Task['response'] {
  const [columns, rows] = req.transforms.size;
  const slices = req.transforms.slices.length;
  const result = mapBack({
    transforms: req.transforms,
    labels: { dimensions: [columns, rows, slices], voxels: new Uint8Array(req.labels) },
    reference: req.reference,
  });
  return { voxels: result.voxels, report: result.report };
}

export function inverseFieldOf(req: WorkerTasks['reformat:inverseField']['request']): WorkerTasks['reformat:inverseField']['response'] {
  return inverseDisplacementField(req.transforms, req.reference);
}
