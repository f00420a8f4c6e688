/** Picks a volume file format from a file name, for export and for reading back. */
import { readMetaImage, writeMetaImage } from './metaImage';
import { readNifti, writeNifti } from './nifti';
import { readNrrd, writeNrrd } from './nrrd';
import type { VolumeImage } from './VolumeImage';

export type VolumeFormat = 'nrrd' | 'nifti' | 'nifti-gzip' | 'metaimage';

export const VOLUME_EXTENSIONS = ['.nrrd', '.nii', '.nii.gz', '.mha'] as const;

export function volumeFormatOf(fileName: string): VolumeFormat | undefined {
  const name = fileName.toLowerCase();
  if (name.endsWith('.nrrd')) return 'nrrd';
  if (name.endsWith('.nii.gz')) return 'nifti-gzip';
  if (name.endsWith('.nii')) return 'nifti';
  if (name.endsWith('.mha')) return 'metaimage';
  return undefined;
}

export function encodeVolume(image: VolumeImage, format: VolumeFormat): Uint8Array {
  switch (format) {
    case 'nrrd':
      return writeNrrd(image, { gzip: true });
    case 'nifti':
      return writeNifti(image);
    case 'nifti-gzip':
      return writeNifti(image, { gzip: true });
    case 'metaimage':
      return writeMetaImage(image);
  }
}

export function decodeVolume(bytes: Uint8Array, format: VolumeFormat): VolumeImage {
  switch (format) {
    case 'nrrd':
      return readNrrd(bytes);
    case 'nifti':
    case 'nifti-gzip':
      return readNifti(bytes);
    case 'metaimage':
      return readMetaImage(bytes);
  }
}
