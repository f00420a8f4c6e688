/**
 * Single frames and thumbnails for the study browser and viewers, decoded in the
 * worker pool. Frames come back in modality units with a default window; thumbnails
 * are 8-bit grey previews of the middle frame, kept in memory once made.
 */
import type { FramePixels, Thumbnail } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';
import type { SeriesPlan } from '../../shared/dicom/SeriesPlan';
import type { DicomIndexService } from './DicomIndexService';
import type { WorkerPool } from './WorkerPool';

export const THUMBNAIL_MAX_SIZE = 128;

export class FrameService {
  private readonly thumbnails = new Map<string, Promise<Thumbnail>>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly index: DicomIndexService,
  ) {}

  async getFrame(seriesUid: string, index: number, signal?: AbortSignal): Promise<FramePixels> {
    const plan = this.imagePlan(seriesUid);
    if (!Number.isInteger(index) || index < 0 || index >= plan.frames.length) {
      throw new UserError('invalid-request', `Frame ${index + 1} does not exist: this series has ${plan.frames.length} frames.`);
    }
    const { file, frameIndex, rescale } = plan.frames[index];
    const frame = await this.pool.run('dicom:decodeFrame', { file, frameIndex, ...(rescale ? { rescale } : {}) }, signal ? { signal } : {});
    return {
      seriesUid,
      index,
      width: frame.width,
      height: frame.height,
      samplesPerPixel: frame.samplesPerPixel,
      pixels: frame.pixels,
      windowCenter: frame.windowCenter ?? (frame.min + frame.max) / 2,
      windowWidth: frame.windowWidth ?? (frame.max - frame.min || 1),
      range: [frame.min, frame.max],
    };
  }

  /** Thumbnails are small and reused often; a copy is returned so callers may transfer it. */
  async getThumbnail(seriesUid: string): Promise<Thumbnail> {
    const plan = this.imagePlan(seriesUid);
    const middle = plan.frames[Math.floor(plan.frames.length / 2)];
    const key = `${seriesUid}\u0000${middle.file}\u0000${middle.frameIndex}`;
    let made = this.thumbnails.get(key);
    if (!made) {
      made = this.pool.run('dicom:thumbnail', { file: middle.file, frameIndex: middle.frameIndex, maxSize: THUMBNAIL_MAX_SIZE });
      this.thumbnails.set(key, made);
      made.catch(() => this.thumbnails.delete(key));
    }
    const thumb = await made;
    return { width: thumb.width, height: thumb.height, pixels: thumb.pixels.slice() };
  }

  private imagePlan(seriesUid: string): SeriesPlan {
    const plan = this.index.requirePlan(seriesUid);
    if (plan.summary.kind === 'non-image' || plan.frames.length === 0) {
      throw new UserError('unsupported', `Series "${plan.summary.description || plan.summary.modality || seriesUid}" holds no images to show.`);
    }
    return plan;
  }
}
