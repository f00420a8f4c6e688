/**
 * Makes the bundled sample (assets/sample/ct-chest) from ../shared/data/ct-chest/dicom:
 * every file is copied byte for byte except its pixel data, which is re-encoded
 * losslessly as JPEG-LS (CharLS) so the sample fits in the repository. Run once by a
 * developer: `node build/run-ts.mjs build/makeSample.ts`. The tests prove the sample
 * decodes to exactly the original values.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dicomParser from 'dicom-parser';
import { writePart10 } from '../shared/dicom/writeDicom';
import { encapsulatePixelData, JPEG_LS_LOSSLESS, loadJpegLsEncoder } from './jpegLsEncapsulation';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const source = path.resolve(root, '../shared/data/ct-chest/dicom');
const target = path.join(root, 'assets/sample/ct-chest');

async function main(): Promise<void> {
  const encode = await loadJpegLsEncoder();
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  let inBytes = 0;
  let outBytes = 0;
  for (const name of fs.readdirSync(source).filter((n) => n.endsWith('.dcm')).sort()) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(source, name)));
    const parsed = dicomParser.parseDicom(bytes);
    const text = (t: string) => parsed.string(t) ?? '';
    if (text('x00020010') !== '1.2.840.10008.1.2.1') throw new Error(`${name}: expected Explicit VR Little Endian`);
    const [rows, columns, bitsAllocated, bitsStored, signed] = ['x00280010', 'x00280011', 'x00280100', 'x00280101', 'x00280103'].map((t) => parsed.uint16(t) ?? -1);
    if (bitsAllocated !== 16 || signed !== 0) throw new Error(`${name}: expected unsigned 16-bit pixels`);
    const pixelElement = parsed.elements.x7fe00010;
    const metaEnd = 144 + (parsed.uint32('x00020000') ?? 0);
    const pixelAt = pixelElement.dataOffset;
    const pixelHeaderAt = pixelAt - 12; // explicit VR OW: tag, VR, 2 reserved, 32-bit length
    const pixelLength = pixelElement.length;
    const pixels = new Uint16Array(bytes.slice(pixelAt, pixelAt + pixelLength).buffer);
    let max = 0;
    for (const v of pixels) max = Math.max(max, v);
    // Encode at the stored precision when every value fits: smaller, and still lossless.
    const bitsPerSample = max < 2 ** bitsStored ? bitsStored : 16;

    const codestream = encode(pixels, columns, rows, bitsPerSample);

    const before = bytes.subarray(metaEnd, pixelHeaderAt);
    const after = bytes.subarray(pixelAt + pixelLength);
    const encapsulated = encapsulatePixelData([codestream]);
    const datasetBytes = new Uint8Array(before.length + encapsulated.length + after.length);
    datasetBytes.set(before, 0);
    datasetBytes.set(encapsulated, before.length);
    datasetBytes.set(after, before.length + encapsulated.length);
    const file = writePart10(
      {
        sopClassUid: text('x00020002'),
        sopInstanceUid: text('x00020003'),
        transferSyntaxUid: JPEG_LS_LOSSLESS,
      },
      datasetBytes,
    );
    fs.writeFileSync(path.join(target, name), file);
    inBytes += bytes.length;
    outBytes += file.length;
  }
  console.log(`sample: ${(inBytes / 2 ** 20).toFixed(1)} MiB → ${(outBytes / 2 ** 20).toFixed(1)} MiB in ${target}`);
}

await main();
