/**
 * `lumen map-back <labels.nrrd> --transforms <dir>/transforms.json --reference <dicomFolder>
 *   [--series UID] --out <labels.nrrd>` (the exact contract), plus --json.
 * Labels drawn on a straightened volume go back onto the reference volume's grid, with
 * its LPS geometry in the header; a report of covered, folded and unmapped voxels is
 * written beside the output as <name>.report.json. --out may also be .nii, .nii.gz, .mha or
 * .dcm (a DICOM Segmentation referencing the reference series); saveLabelVolume writes them all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/contracts/UserError';
import { readNrrd } from '../../shared/io/nrrd';
import { mapBack, type MapBackRequest } from '../../shared/reformat/mapBack';
import { parseTransforms } from '../../shared/reformat/straightenedFrames';
import { labelFormatOf, LABEL_EXTENSIONS, saveLabelVolume } from '../services/saveLabels';
import { assertOutsideSources, writeFileAtomic } from '../services/writeFileAtomic';
import { parseArgs, UsageError } from './cliArgs';
import { chooseVolumeSeries, indexFolder, type CliIo, type Services } from './cliCommon';

export async function mapBackCommand(args: string[], io: CliIo, services: Services): Promise<number> {
  const { positionals, flags } = parseArgs(args, { '--transforms': true, '--reference': true, '--series': true, '--out': true, '--json': false }, 'map-back');
  const text = (name: string): string | undefined => {
    const v = flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing <labels.nrrd>' : `unexpected argument "${positionals[1]}"`, 'map-back');
  const labelsFile = positionals[0]!;
  const transformsFile = text('--transforms');
  const referenceFolder = text('--reference');
  const out = text('--out');
  if (!transformsFile) throw new UsageError('missing --transforms <transforms.json>', 'map-back');
  if (!referenceFolder) throw new UsageError('missing --reference <dicomFolder>', 'map-back');
  if (!out) throw new UsageError('missing --out <labels.nrrd>', 'map-back');
  // NRRD is the contract; NIfTI, MetaImage and DICOM SEG (by extension) serve other label tools.
  if (!labelFormatOf(out)) throw new UsageError(`--out must end in ${LABEL_EXTENSIONS.join(', ')}`, 'map-back');
  assertOutsideSources(out, [referenceFolder]);

  const transforms = read(transformsFile, (bytes) => parseTransforms(new TextDecoder().decode(bytes)), 'a straightening transforms.json');
  const labels = read(labelsFile, readNrrd, 'a NRRD label volume');
  const [cols, rows] = transforms.size;
  if (labels.dimensions[0] !== cols || labels.dimensions[1] !== rows || labels.dimensions[2] !== transforms.slices.length) {
    throw new UserError(
      'invalid-request',
      `${path.basename(labelsFile)} is ${labels.dimensions.join('×')} but ${path.basename(transformsFile)} describes ${cols}×${rows}×${transforms.slices.length}: the labels must be drawn on that straightened volume.`,
    );
  }
  const result = await indexFolder(referenceFolder, io, services);
  const series = chooseVolumeSeries(result, text('--series'), 'used as the reference');
  const plan = services.index.requirePlan(series.uid);
  const geometry = plan.geometry!;
  const started = performance.now();
  const mapped = mapBack({
    transforms,
    labels: { dimensions: labels.dimensions, voxels: labels.voxels as MapBackRequest['labels']['voxels'] },
    reference: { dimensions: geometry.dimensions, ijkToLps: geometry.ijkToLps },
  });
  const map_s = (performance.now() - started) / 1000;
  const sources = services.index.sourceFolders();
  const saved = await saveLabelVolume({ labels: { dimensions: geometry.dimensions, voxels: mapped.voxels }, reference: plan, out, sourceFolders: sources });
  const reportFile = out.replace(/(\.nrrd|\.nii\.gz|\.nii|\.mha|\.dcm)$/i, '.report.json');
  const report = {
    from: 'straightened-pixel',
    to: 'reference-voxel',
    reference: { seriesInstanceUid: series.uid, dimensions: geometry.dimensions, ijkToLps: geometry.ijkToLps },
    ...mapped.report,
    ...(saved.segmentation ? { segmentation: saved.segmentation } : {}),
    timings: { map_s },
  };
  await writeFileAtomic(reportFile, `${JSON.stringify(report, null, 2)}\n`, { sourceFolders: sources });
  if (flags.has('--json')) io.stdout.write(`${JSON.stringify({ out: path.resolve(out), report: path.resolve(reportFile), ...report }, null, 2)}\n`);
  else io.stderr.write(`Mapped ${mapped.report.labelled} labelled voxels onto ${series.description || series.uid} → ${out} (${mapped.report.folded} in folded regions, ${mapped.report.unmapped} straightened label voxels not reached)\n`);
  return 0;
}

function read<T>(file: string, parse: (bytes: Uint8Array) => T, what: string): T {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new UserError('not-found', `Cannot read ${file}.`, file);
  }
  try {
    return parse(bytes);
  } catch (err) {
    throw new UserError('invalid-request', `${file} is not ${what}: ${err instanceof Error ? err.message : String(err)}`, file);
  }
}
