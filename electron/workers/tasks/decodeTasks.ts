/**
 * Frame decoding in a worker: one frame for a viewer, a thumbnail, or a run of slices
 * written straight into a shared volume. Values are in modality units (rescale
 * applied once, here), so HU for CT.
 */
import type { Thumbnail } from '../../../shared/contracts/ipc';
import type { FrameRef, ModalityFrame, VolumeSliceRef, WorkerTaskProgress } from '../../../shared/contracts/workerTasks';
import { UserError } from '../../../shared/contracts/UserError';
import type { DicomHeader } from '../../../shared/dicom/DicomHeader';
import { toModalityValues } from '../../../shared/dicom/toModalityValues';
import { decodeFrame } from '../../services/pixels/decodeFrame';
import { openDicomFile } from './dicomFileCache';
import { valueRange } from '../../../shared/math/valueRange';
import { percentileWindow, type DisplayWindow } from './displayWindow';
import { renderThumbnail } from './renderThumbnail';

interface DecodedModality {
  header: DicomHeader;
  frame: ModalityFrame;
  bitsStored: number;
}

async function decodeModality(ref: FrameRef): Promise<DecodedModality> {
  const { bytes, header } = openDicomFile(ref.file);
  const decoded = await decodeFrame(bytes, header, ref.frameIndex);
  const slope = ref.rescale?.slope ?? header.rescaleSlope;
  const intercept = ref.rescale?.intercept ?? header.rescaleIntercept;
  const pixels = toModalityValues(decoded, slope, intercept);
  const [min, max] = valueRange(pixels);
  const monochrome1 = decoded.monochrome1 ?? header.photometricInterpretation === 'MONOCHROME1';
  const frame: ModalityFrame = {
    width: decoded.width,
    height: decoded.height,
    samplesPerPixel: decoded.samplesPerPixel >= 3 ? 3 : 1,
    pixels,
    min,
    max,
    monochrome1,
  };
  if (header.windowCenter !== undefined && header.windowWidth !== undefined && header.windowWidth > 0) {
    frame.windowCenter = header.windowCenter;
    frame.windowWidth = header.windowWidth;
  }
  return { header, frame, bitsStored: decoded.bitsStored };
}

/** The frame with a display window always set: the file's own, else one from the data. */
export async function decodeModalityFrame(ref: FrameRef): Promise<ModalityFrame> {
  const { frame, bitsStored } = await decodeModality(ref);
  const window = displayWindowFor(frame, bitsStored);
  return { ...frame, windowCenter: window.center, windowWidth: window.width };
}

export async function decodeThumbnail(ref: FrameRef, maxSize: number): Promise<Thumbnail> {
  const { frame, bitsStored } = await decodeModality(ref);
  return renderThumbnail(frame, displayWindowFor(frame, bitsStored), maxSize);
}

function displayWindowFor(frame: ModalityFrame, bitsStored: number): DisplayWindow {
  if (frame.samplesPerPixel === 3) {
    // Colour data is a picture, not a measurement: show its full stored range.
    const top = 2 ** Math.min(bitsStored || 8, 16) - 1;
    return { center: top / 2, width: top + 1 };
  }
  if (frame.windowCenter !== undefined && frame.windowWidth !== undefined) {
    return { center: frame.windowCenter, width: frame.windowWidth };
  }
  return percentileWindow(frame.pixels);
}

export async function decodeIntoVolume(
  req: { voxels: SharedArrayBuffer; columns: number; rows: number; slices: VolumeSliceRef[] },
  progress: (p: WorkerTaskProgress) => void,
): Promise<{ min: number; max: number }> {
  const sliceLength = req.columns * req.rows;
  const volume = new Float32Array(req.voxels);
  let min = Infinity;
  let max = -Infinity;
  let done = 0;
  for (const ref of req.slices) {
    const { frame } = await decodeModality(ref);
    if (frame.width !== req.columns || frame.height !== req.rows || frame.samplesPerPixel !== 1) {
      throw new UserError(
        'unsupported',
        `Slice ${ref.slice + 1} (${ref.file}) is ${frame.width}×${frame.height}` +
          `${frame.samplesPerPixel === 3 ? ' colour' : ''}, unlike the rest of the series (${req.columns}×${req.rows} grey), so the series cannot be stacked into a volume.`,
      );
    }
    volume.set(frame.pixels, ref.slice * sliceLength);
    if (frame.min < min) min = frame.min;
    if (frame.max > max) max = frame.max;
    progress({ done: ++done, total: req.slices.length });
  }
  return { min, max };
}
