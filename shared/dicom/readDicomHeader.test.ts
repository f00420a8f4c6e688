import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENHANCED_XA_IMAGE_STORAGE, writeRotationalRun, type EnhancedXaOptions } from '../../test/fixtures/rotationalRun';
import type { DicomHeader } from './DicomHeader';
import { DicomReadError, HeaderNeedsMoreBytes } from './DicomReadError';
import { readDicomHeader } from './readDicomHeader';
import { ctChestSlice, generatedDir, pydicomDir, readBytes, robustnessDir, walkFiles } from '../../test/support/referenceTools';
import { pydicomPython, runPydicom } from '../../test/support/pydicom';

const PREFIX = 64 * 1024;
const haveData = fs.existsSync(robustnessDir) && fs.existsSync(ctChestSlice);
const havePydicom = pydicomPython() !== undefined;

/** The indexer's protocol: read a prefix, re-read everything when told to. */
function readLikeIndexer(file: string): DicomHeader {
  const bytes = readBytes(file);
  try {
    return readDicomHeader(bytes.subarray(0, PREFIX), file, bytes.length);
  } catch (e) {
    if (e instanceof HeaderNeedsMoreBytes) return readDicomHeader(bytes, file, bytes.length);
    throw e;
  }
}

const read = (f: string): DicomHeader => readLikeIndexer(f);
const gen = (name: string): string => path.join(generatedDir, name);
const pyd = (name: string): string => path.join(pydicomDir, name);

describe.skipIf(!haveData)('readDicomHeader on real files (needs ../shared/data)', () => {
  it('reads a prefix exactly like the whole file', () => {
    const bytes = readBytes(ctChestSlice);
    const fromPrefix = readDicomHeader(bytes.subarray(0, PREFIX), ctChestSlice, bytes.length);
    expect(fromPrefix).toEqual(readDicomHeader(bytes, ctChestSlice, bytes.length));
  });

  it('asks for more bytes when the prefix ends inside the header, and only then', () => {
    const bytes = readBytes(ctChestSlice);
    expect(() => readDicomHeader(bytes.subarray(0, 700), ctChestSlice, bytes.length)).toThrow(HeaderNeedsMoreBytes);
    expect(() => readDicomHeader(bytes.subarray(0, 100), ctChestSlice, bytes.length)).toThrow(HeaderNeedsMoreBytes);
    // The same short bytes as a whole file are a damaged file, not a request for more
    // (701 ends inside an element; a cut exactly between elements is a valid, pixel-less data set).
    const cut = bytes.slice(0, 701);
    expect(() => readDicomHeader(cut, 'cut.dcm', cut.length)).toThrow(DicomReadError);
    // A header with no pixel data (ECG waveform) cannot be known complete from a prefix.
    const ecg = readBytes(pyd('waveform_ecg.dcm'));
    expect(() => readDicomHeader(ecg.subarray(0, PREFIX), 'ecg', ecg.length)).toThrow(HeaderNeedsMoreBytes);
    expect(readDicomHeader(ecg, 'ecg', ecg.length).hasPixelData).toBe(false);
  });

  it('reads every transfer syntax variant of the CT slice to the same header', () => {
    const ref = read(gen('ct_explicit_le.dcm'));
    const comparable = (h: DicomHeader): Partial<DicomHeader> => {
      const { file: _f, fileSize: _s, transferSyntaxUid: _t, rawDataSet: _r, lossyImageCompression: _l, sopInstanceUid: _u, ...rest } = h;
      return rest;
    };
    const variants = fs.readdirSync(generatedDir).filter((f) => f.endsWith('.dcm') && !/missing_geometry|explicit_le|truncated/.test(f));
    expect(variants.length).toBe(12);
    for (const f of variants) {
      const h = read(gen(f));
      const expected = comparable(ref);
      // Lossy re-encoders mark the image as derived; J2K lossy also dropped the source reference.
      if (/lossy|near_lossless|jpeg_extended/.test(f)) delete expected.imageType;
      const actual = comparable(h);
      if (/lossy|near_lossless|jpeg_extended/.test(f)) delete actual.imageType;
      expect(actual, f).toEqual(expected);
    }
    expect(read(gen('ct_no_meta_implicit.dcm')).rawDataSet).toBe(true);
    expect(read(gen('ct_no_meta_implicit.dcm')).transferSyntaxUid).toBe('1.2.840.10008.1.2');
    expect(read(gen('ct_explicit_be.dcm')).transferSyntaxUid).toBe('1.2.840.10008.1.2.2');
    expect(read(gen('ct_deflated.dcm')).transferSyntaxUid).toBe('1.2.840.10008.1.2.1.99');
  });

  it('rejects a file cut short inside native pixel data from its header alone, saying by how much', () => {
    const err = (() => {
      try {
        read(gen('ct_truncated_pixeldata.dcm'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DicomReadError);
    // What is present is what the file holds after the pixel data element's header.
    const size = fs.statSync(gen('ct_truncated_pixeldata.dcm')).size;
    const match = /^pixel data truncated: expected 524288 bytes, found (\d+)$/.exec((err as DicomReadError).reason);
    expect(match).not.toBeNull();
    expect(Number(match?.[1])).toBeLessThan(size);
    expect(Number(match?.[1])).toBeGreaterThan(size - 4096);
  });

  it('flags lossy compression from the transfer syntax or (0028,2110)', () => {
    expect(read(gen('ct_explicit_le.dcm')).lossyImageCompression).toBe(false);
    expect(read(gen('ct_jpeg_lossless_sv1.dcm')).lossyImageCompression).toBe(false);
    for (const f of ['ct_j2k_lossy.dcm', 'ct_jpeg_extended_lossy12.dcm', 'ct_jpegls_near_lossless.dcm']) {
      expect(read(gen(f)).lossyImageCompression, f).toBe(true);
    }
  });

  it('leaves geometry absent when the tags are missing', () => {
    const h = read(gen('ct_missing_geometry.dcm'));
    expect(h.geometry.imagePositionPatient).toBeUndefined();
    expect(h.geometry.imageOrientationPatient).toBeUndefined();
    expect(h.geometry.pixelSpacing).toBeUndefined();
    expect(h.geometry.sliceThickness).toBe(3);
    expect(h.hasPixelData).toBe(true);
  });

  it('reads raw data sets without preamble or meta (implicit and explicit, little and big endian)', () => {
    const ct = read(pyd('CT_small.dcm'));
    const noMeta = read(pyd('no_meta.dcm'));
    expect(noMeta.rawDataSet).toBe(true);
    expect(noMeta.sopInstanceUid).toBe(ct.sopInstanceUid);
    expect(noMeta.geometry).toEqual(ct.geometry);
    const be = read(pyd('ExplVR_BigEndNoMeta.dcm'));
    const le = read(pyd('ExplVR_LitEndNoMeta.dcm'));
    expect(be.transferSyntaxUid).toBe('1.2.840.10008.1.2.2');
    expect(le.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect({ ...be, transferSyntaxUid: '', fileSize: 0, file: '' }).toEqual({ ...le, transferSyntaxUid: '', fileSize: 0, file: '' });
  });

  it('reads MR_small identically in every encoding', () => {
    const ref = read(pyd('MR_small.dcm'));
    for (const f of ['MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'MR_small_expb.dcm', 'MR_small_RLE.dcm', 'MR_small_jp2klossless.dcm', 'MR_small_jpeg_ls_lossless.dcm']) {
      const h = read(pyd(f));
      expect(h.geometry, f).toEqual(ref.geometry);
      expect([h.rows, h.columns, h.bitsStored, h.pixelRepresentation, h.rescaleSlope, h.rescaleIntercept], f).toEqual([
        ref.rows, ref.columns, ref.bitsStored, ref.pixelRepresentation, ref.rescaleSlope, ref.rescaleIntercept,
      ]);
    }
  });

  it('detects DICOMDIRs in every encoding', () => {
    const dirs = walkFiles(path.join(pydicomDir, 'dicomdirtests')).filter((f) => path.basename(f).startsWith('DICOMDIR'));
    expect(dirs.length).toBeGreaterThanOrEqual(7);
    for (const f of dirs) expect(read(f).isDicomDir, f).toBe(true);
    expect(read(ctChestSlice).isDicomDir).toBe(false);
  });

  it('survives a malformed Number of Frames and says so', () => {
    const h = read(pyd('badVR.dcm'));
    // "1A" is not a count; the 32-bit 10x10 pixel data holds 15 frames (pydicom's rtdose.dcm has 15).
    expect(h.numberOfFrames).toBe(15);
    expect(h.warnings?.join(' ')).toMatch(/Number of Frames \(0028,0008\) "1A"/);
    expect(read(pyd('rtdose.dcm')).numberOfFrames).toBe(15);
  });

  it('reads Enhanced per-frame geometry (SEG) like pydicom', () => {
    const h = read(pyd('liver_1frame.dcm'));
    expect(h.perFrame?.length).toBe(3);
    expect(h.numberOfFrames).toBe(1);
    if (!havePydicom) return;
    const truth = runPydicom<{ ipp: number[][]; iop: number[]; ps: number[] }>(
      `
import sys, json, pydicom
ds = pydicom.dcmread(sys.argv[1])
ipp = [[float(x) for x in g.PlanePositionSequence[0].ImagePositionPatient] for g in ds.PerFrameFunctionalGroupsSequence]
sh = ds.SharedFunctionalGroupsSequence[0]
print(json.dumps({'ipp': ipp, 'iop': [float(x) for x in sh.PlaneOrientationSequence[0].ImageOrientationPatient],
  'ps': [float(x) for x in sh.PixelMeasuresSequence[0].PixelSpacing]}))`,
      [pyd('liver_1frame.dcm')],
    );
    expect(h.perFrame?.map((g) => g.imagePositionPatient)).toEqual(truth.ipp);
    expect(h.perFrame?.[2].imageOrientationPatient).toEqual(truth.iop);
    expect(h.perFrame?.[1].pixelSpacing).toEqual(truth.ps);
    expect(h.geometry.imagePositionPatient).toEqual(truth.ipp[0]);
  });

  it('yields a header or a DicomReadError for every file in the corpus, quickly', () => {
    const files = walkFiles(robustnessDir);
    expect(files.length).toBeGreaterThan(150);
    let headers = 0;
    const rejected: string[] = [];
    for (const f of files) {
      const t0 = performance.now();
      try {
        read(f);
        headers++;
      } catch (e) {
        expect(e, f).toBeInstanceOf(DicomReadError);
        expect((e as DicomReadError).reason.length, f).toBeGreaterThan(5);
        rejected.push(path.basename(f));
      }
      expect(performance.now() - t0, f).toBeLessThan(2000);
    }
    // Non-DICOM companions (README, json, dumps, gz, the script) and the three truncated
    // files are the only rejections.
    const truncated = ['rtplan_truncated.dcm', 'MR_truncated.dcm', 'ct_truncated_pixeldata.dcm'];
    const unexpected = rejected.filter((f) => (f.endsWith('.dcm') || f.startsWith('DICOMDIR')) && !truncated.includes(f));
    expect(unexpected).toEqual([]);
    expect(rejected).toEqual(expect.arrayContaining(truncated));
    expect(headers).toBeGreaterThan(140);
  });
});

describe.skipIf(!haveData || !havePydicom)('readDicomHeader against pydicom (needs ../shared/data and pydicom)', () => {
  it('matches pydicom on ct-chest 000050.dcm', () => {
    const truth = runPydicom<Record<string, unknown>>(
      `
import sys, json, pydicom
d = pydicom.dcmread(sys.argv[1], stop_before_pixels=True)
f = lambda v: [float(x) for x in v]
print(json.dumps({'ipp': f(d.ImagePositionPatient), 'iop': f(d.ImageOrientationPatient), 'ps': f(d.PixelSpacing),
  'slope': float(d.RescaleSlope), 'intercept': float(d.RescaleIntercept), 'rows': d.Rows, 'cols': d.Columns,
  'study': d.StudyInstanceUID, 'series': d.SeriesInstanceUID, 'sop': d.SOPInstanceUID, 'for': d.FrameOfReferenceUID,
  'sopClass': d.SOPClassUID, 'thickness': float(d.SliceThickness), 'instance': int(d.InstanceNumber),
  'wc': float(d.WindowCenter[0]), 'ww': float(d.WindowWidth[0]), 'bits': [d.BitsAllocated, d.BitsStored, d.HighBit, d.PixelRepresentation],
  'modality': d.Modality, 'patientId': d.PatientID, 'seriesNumber': int(d.SeriesNumber), 'imageType': list(d.ImageType)}))`,
      [ctChestSlice],
    );
    const h = read(ctChestSlice);
    expect(h.geometry.imagePositionPatient).toEqual(truth.ipp);
    expect(h.geometry.imageOrientationPatient).toEqual(truth.iop);
    expect(h.geometry.pixelSpacing).toEqual(truth.ps);
    expect(h.geometry.sliceThickness).toBe(truth.thickness);
    expect([h.rescaleSlope, h.rescaleIntercept]).toEqual([truth.slope, truth.intercept]);
    expect([h.rows, h.columns]).toEqual([truth.rows, truth.cols]);
    expect([h.studyInstanceUid, h.seriesInstanceUid, h.sopInstanceUid, h.frameOfReferenceUid, h.sopClassUid]).toEqual([
      truth.study, truth.series, truth.sop, truth.for, truth.sopClass,
    ]);
    expect([h.bitsAllocated, h.bitsStored, h.highBit, h.pixelRepresentation]).toEqual(truth.bits);
    expect([h.windowCenter, h.windowWidth, h.instanceNumber, h.seriesNumber]).toEqual([truth.wc, truth.ww, truth.instance, truth.seriesNumber]);
    expect([h.modality, h.patientId, h.imageType]).toEqual([truth.modality, truth.patientId, truth.imageType]);
    expect(h.hasPixelData && !h.isDicomDir && !h.rawDataSet && h.numberOfFrames === 1).toBe(true);
  });

  it('reads an Enhanced XA multi-frame with per-frame positioner angles, as pydicom wrote it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-exa-'));
    try {
      for (const [name, ts] of [['exa_le.dcm', 'ExplicitVRLittleEndian'], ['exa_implicit.dcm', 'ImplicitVRLittleEndian'], ['exa_be.dcm', 'ExplicitVRBigEndian']]) {
        const file = path.join(dir, name);
        writeEnhancedXa(file, ts);
        const h = read(file);
        expect(h.sopClassUid, name).toBe('1.2.840.10008.5.1.4.1.1.12.1.1');
        expect(h.numberOfFrames).toBe(4);
        expect(h.perFrame?.map((g) => [g.positionerPrimaryAngle, g.positionerSecondaryAngle]), name).toEqual([
          [-30, 1.5], [-10, 1.5], [10, 1.5], [30, 1.5],
        ]);
        expect(h.perFrame?.[3].imagePositionPatient).toEqual([-100, -100, 3]);
        expect(h.perFrame?.[3].imageOrientationPatient).toEqual([1, 0, 0, 0, 0, -1]);
        expect(h.perFrame?.[0].pixelSpacing).toEqual([0.3, 0.31]);
        // X-Ray Geometry per frame: Distance Source to Isocenter is FL (binary, in every transfer syntax).
        expect(h.perFrame?.map((g) => [g.distanceSourceToDetector, g.distanceSourceToIsocenter]), name).toEqual([
          [1199.5, 780.1], [1200.5, 781.1], [1201.5, 782.1], [1202.5, 783.1],
        ]);
        expect(h.xRayReceptorType).toBe('DIGITAL_DETECTOR');
        expect(h.positionerMotion).toBe('DYNAMIC');
        expect(h.positionerPrimaryAngle).toBe(-30);
        expect(h.positionerPrimaryAngleIncrement).toEqual([20, 20, 20]);
        expect(h.positionerSecondaryAngleIncrement).toEqual([0, 0, 0]);
        expect([h.distanceSourceToDetector, h.distanceSourceToPatient]).toEqual([1200, 785.5]);
        expect(h.imagerPixelSpacing).toEqual([0.154, 0.154]);
        expect(h.pixelIntensityRelationship).toBe('LOG');
        expect(h.frameTime).toBe(33.3);
        expect(h.frameTimeVector).toEqual([0, 33.3, 33.3, 33.3]);
        expect(h.gantryDetectorTilt).toBe(0);
        expect(h.lossyImageCompression).toBe(true); // (0028,2110) "01"
        expect(h.rescaleIntercept).toBe(-5);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function writeEnhancedXa(file: string, ts: string): void {
  runPydicom(
    `
import sys, json, pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom import uid
f, ts = sys.argv[1], getattr(uid, sys.argv[2])
meta = FileMetaDataset(); meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.12.1.1'
meta.MediaStorageSOPInstanceUID = '1.2.3.4.5'; meta.TransferSyntaxUID = ts
ds = Dataset(); ds.file_meta = meta
ds.SOPClassUID = meta.MediaStorageSOPClassUID; ds.SOPInstanceUID = '1.2.3.4.5'; ds.Modality = 'XA'
ds.StudyInstanceUID = '1.2.3'; ds.SeriesInstanceUID = '1.2.3.4'; ds.FrameOfReferenceUID = '1.2.3.9'
ds.Rows = 2; ds.Columns = 2; ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = 'MONOCHROME2'
ds.BitsAllocated = 16; ds.BitsStored = 12; ds.HighBit = 11; ds.PixelRepresentation = 0; ds.NumberOfFrames = 4
ds.PositionerMotion = 'DYNAMIC'; ds.PositionerPrimaryAngle = -30; ds.PositionerSecondaryAngle = 1.5
ds.PositionerPrimaryAngleIncrement = [20, 20, 20]; ds.PositionerSecondaryAngleIncrement = [0, 0, 0]
ds.DistanceSourceToDetector = 1200; ds.DistanceSourceToPatient = 785.5; ds.ImagerPixelSpacing = [0.154, 0.154]
ds.PixelIntensityRelationship = 'LOG'; ds.FrameTime = 33.3; ds.FrameTimeVector = [0, 33.3, 33.3, 33.3]
ds.GantryDetectorTilt = 0; ds.LossyImageCompression = '01'; ds.XRayReceptorType = 'DIGITAL_DETECTOR'
shared = Dataset()
pm = Dataset(); pm.PixelSpacing = [0.3, 0.31]; pm.SliceThickness = 1; shared.PixelMeasuresSequence = Sequence([pm])
po = Dataset(); po.ImageOrientationPatient = [1, 0, 0, 0, 0, -1]; shared.PlaneOrientationSequence = Sequence([po])
pvt = Dataset(); pvt.RescaleIntercept = -5; pvt.RescaleSlope = 1; pvt.RescaleType = 'US'; shared.PixelValueTransformationSequence = Sequence([pvt])
ds.SharedFunctionalGroupsSequence = Sequence([shared])
frames = []
for i, a in enumerate([-30, -10, 10, 30]):
    g = Dataset()
    pp = Dataset(); pp.ImagePositionPatient = [-100, -100, i]; g.PlanePositionSequence = Sequence([pp])
    pos = Dataset(); pos.PositionerPrimaryAngle = a; pos.PositionerSecondaryAngle = 1.5; g.PositionerPositionSequence = Sequence([pos])
    geo = Dataset(); geo.DistanceSourceToIsocenter = 780.1 + i; geo.DistanceSourceToDetector = 1199.5 + i; g.XRayGeometrySequence = Sequence([geo])
    frames.append(g)
ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
ds.PixelData = bytes(2 * 2 * 2 * 4)
ds.is_little_endian = ts != uid.ExplicitVRBigEndian; ds.is_implicit_VR = ts == uid.ImplicitVRLittleEndian
ds.save_as(f, write_like_original=False)
print('{}')`,
    [file, ts],
  );
}

describe('readDicomHeader on Enhanced XA written by the fixtures (X-Ray Geometry functional groups)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-exa-fixture-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const readRun = (name: string, enhanced: EnhancedXaOptions): DicomHeader => {
    const { file } = writeRotationalRun({ dir: path.join(tmp, name), frames: 5, arcDeg: 40, detector: [8, 6], pixelMm: 1, enhanced });
    return readLikeIndexer(file);
  };

  it('reads per-frame distances from each frame’s group, and frame 0’s as the series’', () => {
    const h = readRun('per-frame', { sid: [1190, 1191, 1192, 1193, 1194], sod: [801.7, 802.7, 803.7, 804.7, 805.7], receptor: 'IMG_INTENSIFIER' });
    expect(h.sopClassUid).toBe(ENHANCED_XA_IMAGE_STORAGE);
    expect(h.perFrame?.map((g) => [g.distanceSourceToDetector, g.distanceSourceToIsocenter])).toEqual([
      [1190, 801.7], [1191, 802.7], [1192, 803.7], [1193, 804.7], [1194, 805.7],
    ]);
    expect([h.distanceSourceToDetector, h.distanceSourceToPatient]).toEqual([1190, 801.7]);
    expect(h.xRayReceptorType).toBe('IMG_INTENSIFIER');
  });

  it('gives every frame the shared group’s distances', () => {
    const h = readRun('shared', { sid: [1210], sod: [777.25] });
    expect(h.perFrame?.map((g) => [g.distanceSourceToDetector, g.distanceSourceToIsocenter])).toEqual(Array.from({ length: 5 }, () => [1210, 777.25]));
    expect([h.distanceSourceToDetector, h.distanceSourceToPatient]).toEqual([1210, 777.25]);
    expect(h.xRayReceptorType).toBeUndefined();
  });

  it('leaves the distances unknown when the run has none', () => {
    const h = readRun('none', {});
    expect(h.perFrame?.every((g) => g.distanceSourceToDetector === undefined && g.distanceSourceToIsocenter === undefined)).toBe(true);
    expect([h.distanceSourceToDetector, h.distanceSourceToPatient]).toEqual([undefined, undefined]);
  });
});
