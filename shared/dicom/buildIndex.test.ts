import { describe, expect, it } from 'vitest';
import type { DicomHeader, Orientation, Vec3 } from './DicomHeader';
import { buildIndex } from './buildIndex';
import { transformPoint } from '../math/mat4';

const AXIAL: Orientation = [1, 0, 0, 0, 1, 0];

function header(overrides: Partial<DicomHeader> & { file: string }): DicomHeader {
  return {
    fileSize: 1000,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    rawDataSet: false,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    isDicomDir: false,
    patientId: 'P1',
    patientName: 'Doe^Jane',
    studyInstanceUid: '1.2.3',
    studyDate: '20240101',
    seriesInstanceUid: '1.2.3.4',
    seriesNumber: 2,
    modality: 'CT',
    frameOfReferenceUid: '1.2.3.9',
    hasPixelData: true,
    rows: 512,
    columns: 512,
    numberOfFrames: 1,
    samplesPerPixel: 1,
    bitsAllocated: 16,
    rescaleSlope: 1,
    rescaleIntercept: -1024,
    lossyImageCompression: false,
    geometry: { imageOrientationPatient: AXIAL, pixelSpacing: [0.7, 0.6] },
    ...overrides,
  };
}

/** Axial slices at the given z, files and instance numbers deliberately scrambled. */
function axialStack(zs: readonly number[], extra: Partial<DicomHeader> = {}): DicomHeader[] {
  return zs.map((z, n) =>
    header({
      file: `/data/ct/${String.fromCharCode(97 + ((n * 7) % 26))}${n}.dcm`,
      instanceNumber: ((n * 5) % zs.length) + 1,
      geometry: { imagePositionPatient: [-150, -160, z], imageOrientationPatient: AXIAL, pixelSpacing: [0.7, 0.6] },
      ...extra,
    }),
  );
}

function index(headers: DicomHeader[]) {
  return buildIndex({ folder: '/data', headers, skipped: [], elapsedSeconds: 0.1 });
}

function shuffle<T>(items: T[]): T[] {
  // A fixed derangement-like permutation: reverse then interleave.
  const r = [...items].reverse();
  return [...r.filter((_, n) => n % 2 === 0), ...r.filter((_, n) => n % 2 === 1)];
}

describe('buildIndex: volumes from fabricated headers', () => {
  it('orders shuffled slices by position along the normal, not by file name or instance number', () => {
    const zs = Array.from({ length: 20 }, (_, k) => -100 + 2.5 * k);
    const { result, plans } = index(shuffle(axialStack(zs)));
    expect(result.series).toHaveLength(1);
    const s = result.series[0];
    expect(s.kind).toBe('volume');
    expect(s.dimensions).toEqual([512, 512, 20]);
    expect(s.spacing[0]).toBe(0.6); // columns step by PixelSpacing[1]
    expect(s.spacing[1]).toBe(0.7);
    expect(s.spacing[2]).toBeCloseTo(2.5, 9);
    expect(s.warnings).toEqual([]);
    const plan = plans.get('1.2.3.4')!;
    expect(plan.frames.map((f) => f.position![2])).toEqual(zs);
    expect(plan.geometry!.uniformSpacing).toBe(true);
    expect(s.ijkToLps).toEqual([0.6, 0, 0, -150, 0, 0.7, 0, -160, 0, 0, 2.5, -100, 0, 0, 0, 1]);
  });

  it('stacks feet-first sorted IPPs along the normal whatever the acquisition direction', () => {
    const zs = Array.from({ length: 10 }, (_, k) => 50 - 3 * k);
    const { plans } = index(axialStack(zs));
    const g = plans.get('1.2.3.4')!.geometry!;
    expect(g.sliceStep[2]).toBeCloseTo(3, 9); // k runs along +normal (superior for axial)
    expect(transformPoint(g.ijkToLps, [0, 0, 9])[2]).toBeCloseTo(50, 9);
  });

  it('reports a gantry tilt with its angle and keeps the sheared geometry', () => {
    const tilt = (15 * Math.PI) / 180;
    const iop: Orientation = [1, 0, 0, 0, Math.cos(tilt), Math.sin(tilt)];
    const headers = Array.from({ length: 12 }, (_, k) =>
      header({ file: `/t/${k}.dcm`, geometry: { imagePositionPatient: [-100, -100, 2 * k], imageOrientationPatient: iop, pixelSpacing: [0.5, 0.5] } }),
    );
    const s = index(shuffle(headers)).result.series[0];
    expect(s.kind).toBe('volume');
    expect(s.warnings).toContain('Gantry tilt of 15.0°: slices are sheared; Lumen keeps the exact geometry.');
    // The slice column is the true IPP step (table along z), not the normal.
    expect([s.ijkToLps![2], s.ijkToLps![6], s.ijkToLps![10]].map((x) => +x.toFixed(9))).toEqual([0, 0, 2]);
    expect(s.spacing[2]).toBeCloseTo(2 * Math.cos(tilt), 9);
  });

  it('says where slices are missing and still gives a volume placed at true positions', () => {
    const zs = [-138, -135, -132, -129, -126, -117, -114, -111, -108];
    const { result, plans } = index(axialStack(zs));
    const s = result.series[0];
    expect(s.kind).toBe('volume');
    expect(s.warnings).toEqual(['2 slices missing between z = −126.0 mm and z = −117.0 mm (spacing 3.0 mm elsewhere).']);
    const plan = plans.get(s.uid)!;
    expect(plan.geometry!.uniformSpacing).toBe(false);
    expect(plan.geometry!.sliceOffsets).toEqual([0, 3, 6, 9, 12, 21, 24, 27, 30]);
    expect(plan.frames[5].position).toEqual([-150, -160, -117]);
  });

  it('calls spacing that is not a whole number of slices uneven', () => {
    const s = index(axialStack([0, 2, 4, 6, 9, 11, 13])).result.series[0];
    expect(s.warnings).toEqual(['Uneven slice spacing: 3.0 mm between z = 6.0 mm and z = 9.0 mm (spacing 2.0 mm elsewhere).']);
  });

  it('keeps one of two files at the same position and says so', () => {
    const headers = axialStack([0, 1, 2, 3, 4]);
    const copy = { ...headers[2], file: '/data/ct/copy.dcm' };
    const { result, plans } = index([...headers, copy]);
    expect(result.series[0].frames).toBe(5);
    expect(result.series[0].files).toBe(6);
    expect(result.series[0].warnings).toEqual(['1 image at the same position as another slice was left out of the volume.']);
    expect(plans.get('1.2.3.4')!.frames).toHaveLength(5);
  });

  it('builds a volume from an enhanced multi-frame with per-frame positions', () => {
    const perFrame = [4, 0, 2, 6].map((z) => ({ imagePositionPatient: [0, 0, z] as Vec3, imageOrientationPatient: AXIAL, pixelSpacing: [1, 1] as [number, number] }));
    const h = header({ file: '/e/ct.dcm', sopClassUid: '1.2.840.10008.5.1.4.1.1.2.1', numberOfFrames: 4, geometry: {}, perFrame });
    const { result, plans } = index([h]);
    expect(result.series[0].kind).toBe('volume');
    expect(plans.get('1.2.3.4')!.frames.map((f) => f.frameIndex)).toEqual([1, 2, 0, 3]);
  });
});

describe('buildIndex: grouping', () => {
  it('splits a localizer out of an axial series; the axials keep the plain UID', () => {
    const axials = axialStack([0, 5, 10, 15, 20]);
    const localizer = header({
      file: '/data/ct/scout.dcm',
      rows: 256,
      columns: 512,
      imageType: ['ORIGINAL', 'PRIMARY', 'LOCALIZER'],
      geometry: { imagePositionPatient: [-250, 0, 100], imageOrientationPatient: [1, 0, 0, 0, 0, -1], pixelSpacing: [1, 1] },
    });
    const { result } = index([localizer, ...axials]);
    expect(result.series.map((s) => [s.uid, s.kind, s.files])).toEqual([
      ['1.2.3.4', 'volume', 5],
      ['1.2.3.4.s2', 'image', 1],
    ]);
    expect(result.series[0].warnings[0]).toMatch(/^Mixed image sizes or orientations: 1 512×256 coronal image split off into series 1\.2\.3\.4\.s2\.$/);
    expect(result.series[1].warnings[0]).toBe('Split from series 1.2.3.4: 1 512×256 coronal image differs in image size and orientation and pixel spacing from the other 5 512×512 axial images.');
  });

  it('groups files without UIDs by frame of reference, orientation, size and folder, with stable synthesised UIDs', () => {
    const noUid = { seriesInstanceUid: '', studyInstanceUid: undefined };
    const a = axialStack([0, 1, 2], noUid);
    const b = axialStack([0, 1, 2], noUid).map((h) => ({ ...h, file: h.file.replace('/data/ct/', '/data/other/') }));
    const c = axialStack([10], { ...noUid, rows: 256 });
    const first = index([...a, ...b, ...c]).result;
    const second = index([...c, ...b, ...a]).result;
    expect(first.series).toHaveLength(3);
    expect(first.series.every((s) => s.uidSynthesised && /^2\.25\.\d+$/.test(s.uid))).toBe(true);
    expect(first.series.map((s) => s.uid).sort()).toEqual(second.series.map((s) => s.uid).sort());
    expect(first.series.map((s) => s.files).sort()).toEqual([1, 3, 3]);
    expect(first.series[0].warnings[0]).toMatch(/^No Series Instance UID/);
    // One synthesised study for the folder-less study UID of each folder.
    expect(new Set(first.series.map((s) => s.studyUid)).size).toBe(2);
  });

  it('sorts the patient tree by name, studies by date, series by number', () => {
    const s1 = axialStack([0, 1], { seriesInstanceUid: '9.1', seriesNumber: 3, studyInstanceUid: '8.2', studyDate: '20240301' });
    const s2 = axialStack([0, 1], { seriesInstanceUid: '9.2', seriesNumber: 1, studyInstanceUid: '8.2', studyDate: '20240301' });
    const s3 = axialStack([0, 1], { seriesInstanceUid: '9.3', seriesNumber: 1, studyInstanceUid: '8.1', studyDate: '20230101' });
    const s4 = axialStack([0, 1], { seriesInstanceUid: '9.4', patientId: 'P0', patientName: 'Adams^Al', studyInstanceUid: '8.0' });
    const { result } = index([...s1, ...s2, ...s3, ...s4]);
    expect(result.patients.map((p) => p.patientName)).toEqual(['Adams^Al', 'Doe^Jane']);
    expect(result.patients[1].studies.map((s) => [s.studyUid, s.seriesUids])).toEqual([
      ['8.1', ['9.3']],
      ['8.2', ['9.2', '9.1']],
    ]);
    expect(result.series.map((s) => s.uid)).toEqual(['9.4', '9.3', '9.2', '9.1']);
  });
});

describe('buildIndex: classification', () => {
  const xa = (overrides: Partial<DicomHeader>) =>
    header({ file: '/xa/run.dcm', modality: 'XA', sopClassUid: '1.2.840.10008.5.1.4.1.1.12.1', numberOfFrames: 133, rows: 1024, columns: 1024, geometry: {}, ...overrides });

  it('recognises a rotational run by DYNAMIC motion, by angle increments, or by per-frame angles', () => {
    const byMotion = xa({ positionerMotion: 'DYNAMIC' });
    const byIncrement = xa({ seriesInstanceUid: '5.2', positionerPrimaryAngleIncrement: Array.from({ length: 133 }, (_, f) => 1.5 * f) });
    const byPerFrame = xa({
      seriesInstanceUid: '5.3',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.12.1.1',
      numberOfFrames: 3,
      perFrame: [{ positionerPrimaryAngle: -100 }, { positionerPrimaryAngle: -98.5 }, { positionerPrimaryAngle: -97 }],
    });
    const { result } = index([byMotion, byIncrement, byPerFrame]);
    expect(result.series.map((s) => [s.kind, s.frames])).toEqual([
      ['rotational-projections', 133],
      ['rotational-projections', 133],
      ['rotational-projections', 3],
    ]);
    expect(result.series[0].dimensions).toEqual([1024, 1024, 133]);
  });

  it('tells cine, image and non-image apart', () => {
    const cine = xa({ positionerMotion: 'STATIC', seriesInstanceUid: '6.1' });
    const us = header({ file: '/us/loop.dcm', modality: 'US', seriesInstanceUid: '6.2', numberOfFrames: 40, geometry: {} });
    const cr = header({ file: '/cr/chest.dcm', modality: 'CR', seriesInstanceUid: '6.3', geometry: {}, imagerPixelSpacing: [0.15, 0.14] });
    const sr = header({ file: '/sr/report.dcm', modality: 'SR', seriesInstanceUid: '6.4', hasPixelData: false, rows: undefined, columns: undefined, geometry: {} });
    const dir = header({ file: '/media/DICOMDIR', isDicomDir: true, hasPixelData: false, seriesInstanceUid: undefined, modality: undefined, geometry: {} });
    const { result, plans } = index([cine, us, cr, sr, dir]);
    const kinds = Object.fromEntries(result.series.map((s) => [s.uid, s.kind]));
    expect(kinds['6.1']).toBe('cine');
    expect(kinds['6.2']).toBe('cine');
    expect(kinds['6.3']).toBe('image');
    expect(kinds['6.4']).toBe('non-image');
    const dicomdir = result.series.find((s) => s.description.startsWith('DICOMDIR'))!;
    expect(dicomdir.kind).toBe('non-image');
    expect(dicomdir.frames).toBe(0);
    expect(result.series.find((s) => s.uid === '6.3')!.spacing).toEqual([0.14, 0.15, 0]);
    expect(plans.get('6.4')!.pixelFormat).toBeUndefined();
    expect(plans.get('6.2')!.frames.map((f) => f.frameIndex)).toEqual(Array.from({ length: 40 }, (_, f) => f));
  });

  it('warns about missing geometry tags and lossy compression', () => {
    const noGeometry = axialStack([0, 1, 2]).map((h) => ({ ...h, geometry: {} }));
    const s = index(noGeometry).result.series[0];
    expect(s.kind).toBe('image');
    expect(s.warnings).toEqual(['Missing geometry tags (Image Position, Image Orientation, Pixel Spacing): shown as separate images, not as a volume; no measurements in mm.']);
    const j2k = axialStack([0, 1, 2], { transferSyntaxUid: '1.2.840.10008.1.2.4.91', lossyImageCompression: true });
    expect(index(j2k).result.series[0].warnings).toEqual(['Lossy compressed (JPEG 2000): not for primary diagnosis.']);
  });
});
