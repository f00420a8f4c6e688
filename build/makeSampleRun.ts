/**
 * Makes the bundled sample C-arm spin (assets/sample/xa-rotational-run) from the bundled
 * chest CT: the CT converted to linear attenuation, centred on the isocentre and
 * forward-projected in the project's C-arm convention over a DynaCT-like 200° sweep, then
 * written as ONE X-Ray Angiographic multi-frame with LIN intensities, JPEG-LS lossless per
 * frame. It is a simulation (noise-free, no scatter), so a user can try reconstruction on a
 * fresh install. Run once by a developer:
 * `npm run build && node build/run-ts.mjs build/makeSampleRun.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DicomIndexService } from '../electron/services/DicomIndexService';
import { VolumeService } from '../electron/services/VolumeService';
import { WorkerPool } from '../electron/services/WorkerPool';
import { newUid } from '../shared/dicom/uid';
import { encodeDatasetBytes, writePart10, type DicomElement, type DicomVr } from '../shared/dicom/writeDicom';
import { centredAttenuation } from '../test/fixtures/centredAttenuation';
import { projectVolume, type VoxelVolume } from '../test/fixtures/projectVolume';
import { sweepIncrements, XA_IMAGE_STORAGE, xaRunElements } from '../test/fixtures/rotationalRun';
import { encapsulatePixelData, JPEG_LS_LOSSLESS, loadJpegLsEncoder } from './jpegLsEncapsulation';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const source = path.join(root, 'assets/sample/ct-chest');
const target = path.join(root, 'assets/sample/xa-rotational-run');

/** A Siemens DynaCT-like spin: 133 views over 200°, flat panel binned to 256² of 1.6 mm. */
const RUN = { frames: 133, arcDeg: 200, sid: 1200, sod: 800, columns: 256, rows: 256, pixelMm: 1.6, i0: 60000, frameTimeMs: 1000 / 30 };

/** The bundled CT as attenuation, centred on the isocentre. */
async function sampleAttenuation(): Promise<VoxelVolume> {
  const pool = new WorkerPool();
  try {
    const index = new DicomIndexService(pool);
    const result = await index.index(source);
    const series = result.series.find((s) => s.kind === 'volume');
    if (!series) throw new Error(`no volume series in ${source}`);
    return centredAttenuation(await new VolumeService(pool).load(index.requirePlan(series.uid)));
  } finally {
    await pool.destroy();
  }
}

/** Type 2 attributes of the XA IOD that are present but unknown for a simulation. */
const TYPE_2_EMPTY: [number, DicomVr][] = [
  [0x00080050, 'SH'], // Accession Number
  [0x00080090, 'PN'], // Referring Physician's Name
  [0x00100030, 'DA'], // Patient's Birth Date
  [0x00100040, 'CS'], // Patient's Sex
  [0x00180060, 'DS'], // KVP
  [0x00181150, 'IS'], // Exposure Time
  [0x00181151, 'IS'], // X-Ray Tube Current
  [0x00181152, 'IS'], // Exposure
  [0x00200060, 'CS'], // Laterality
];

async function main(): Promise<void> {
  const started = performance.now();
  const volume = await sampleAttenuation();
  const encode = await loadJpegLsEncoder();
  const increments = sweepIncrements(RUN.frames, RUN.arcDeg);
  const startDeg = -RUN.arcDeg / 2;
  const frameBytes = RUN.columns * RUN.rows;
  const codestreams: Uint8Array[] = [];
  for (let f = 0; f < RUN.frames; f++) {
    const view = { primaryDeg: startDeg + increments[f], secondaryDeg: 0, sid: RUN.sid, sod: RUN.sod };
    const integrals = projectVolume(view, { columns: RUN.columns, rows: RUN.rows, pixelMm: [RUN.pixelMm, RUN.pixelMm] }, volume);
    const pixels = new Uint16Array(frameBytes);
    for (let n = 0; n < frameBytes; n++) pixels[n] = Math.max(1, Math.min(65535, Math.round(RUN.i0 * Math.exp(-integrals[n]))));
    codestreams.push(encode(pixels, RUN.columns, RUN.rows, 16));
    if (f % 20 === 0) console.log(`view ${f + 1}/${RUN.frames}`);
  }
  const sopInstanceUid = newUid();
  const header = {
    sopInstanceUid,
    seriesInstanceUid: newUid(),
    studyInstanceUid: newUid(),
    description: 'SIMULATED 3D rotational run from the sample chest CT',
    patientName: 'Sample^Simulated C-arm spin',
    patientId: 'LUMEN-SAMPLE-RUN',
    sid: RUN.sid,
    sod: RUN.sod,
    pixelMm: RUN.pixelMm,
    startDeg,
    secondaryDeg: 0,
    increments,
    columns: RUN.columns,
    rows: RUN.rows,
    intensity: 'LIN' as const,
    frameTimeMs: RUN.frameTimeMs,
  };
  const elements = xaRunElements(header, new Uint16Array(0))
    .filter((e) => e.tag !== 0x7fe00010)
    // In an XA multi-frame only the frame time may be a frame increment pointer; the angle increments are the positioner module's own.
    .map((e): DicomElement => (e.tag === 0x00280009 ? { ...e, value: [0x00181063] } : e))
    .concat(TYPE_2_EMPTY.map(([tag, vr]): DicomElement => ({ tag, vr, value: '' })), [
      { tag: 0x00080030, vr: 'TM', value: '120000' },
      { tag: 0x00080070, vr: 'LO', value: 'Lumen (simulated)' },
      { tag: 0x00181155, vr: 'CS', value: 'GR' }, // Radiation Setting: graphy (a 3D run is acquired at graphy dose)
      { tag: 0x00200010, vr: 'SH', value: '1' },
      { tag: 0x00200020, vr: 'CS', value: ['L', 'F'] },
    ])
    .sort((a, b) => a.tag - b.tag);
  const dataset = encodeDatasetBytes(elements);
  const pixelData = encapsulatePixelData(codestreams);
  const bytes = new Uint8Array(dataset.length + pixelData.length);
  bytes.set(dataset, 0);
  bytes.set(pixelData, dataset.length);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const file = path.join(target, 'run.dcm');
  fs.writeFileSync(file, writePart10({ sopClassUid: XA_IMAGE_STORAGE, sopInstanceUid, transferSyntaxUid: JPEG_LS_LOSSLESS }, bytes));
  const raw = RUN.frames * frameBytes * 2;
  console.log(`${file}: ${RUN.frames} views, ${(raw / 2 ** 20).toFixed(1)} MiB raw → ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB, ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
