import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { valueOffsets } from '../../test/fixtures/manyFiles';
import { formatDs, tag, writeDicom, type DicomElement } from './writeDicom';
import { newUid } from './uid';
import { pydicomPython, readWithPydicom } from '../../test/support/pydicom';

const hasDcmdump = spawnSync('dcmdump', ['--version']).status === 0;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-writeDicom-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const pixels = new Int16Array([-1000, 0, 40, 1000, 32767, -32768]);
const sopInstanceUid = newUid();
const dataset: DicomElement[] = [
  { tag: tag(0x0028, 0x0011), vr: 'US', value: 3 }, // out of order on purpose
  { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
  { tag: 0x00080018, vr: 'UI', value: sopInstanceUid },
  { tag: 0x00080060, vr: 'CS', value: 'OT' },
  { tag: 0x00100010, vr: 'PN', value: 'Doe^Jane' },
  { tag: 0x00100020, vr: 'LO', value: 'ODD' }, // odd length: space padded
  { tag: 0x00100030, vr: 'DA' }, // type 2, empty
  { tag: 0x00081115, vr: 'SQ', value: [[{ tag: 0x0020000e, vr: 'UI', value: '1.2.3' }], [{ tag: 0x00081150, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' }]] },
  { tag: 0x00200032, vr: 'DS', value: [Math.PI, -1e-9, -123456789.123456] },
  { tag: 0x00200013, vr: 'IS', value: 7 },
  { tag: 0x00280002, vr: 'US', value: 1 },
  { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
  { tag: 0x00280009, vr: 'AT', value: [0x00181063, 0x00181520] },
  { tag: 0x00280010, vr: 'US', value: 2 },
  { tag: 0x00280100, vr: 'US', value: 16 },
  { tag: 0x00280101, vr: 'US', value: 16 },
  { tag: 0x00280102, vr: 'US', value: 15 },
  { tag: 0x00280103, vr: 'US', value: 1 },
  { tag: 0x00189327, vr: 'FD', value: 1234.5 },
  { tag: 0x7fe00010, vr: 'OW', value: pixels },
];
const bytes = writeDicom(dataset);
const file = path.join(tmp, 'a.dcm');
fs.writeFileSync(file, bytes);

describe('writeDicom', () => {
  it('writes a zero preamble, DICM and a meta group whose length covers exactly group 0002', () => {
    expect(bytes.subarray(0, 128).every((b) => b === 0)).toBe(true);
    expect(new TextDecoder().decode(bytes.subarray(128, 132))).toBe('DICM');
    const offsets = valueOffsets(bytes);
    const groupLength = new DataView(bytes.buffer).getUint32(offsets.get(0x00020000)!.offset, true);
    const metaEnd = offsets.get(0x00020000)!.offset + 4 + groupLength;
    const firstDataTag = [...offsets.entries()].find(([t]) => t >>> 16 !== 2)!;
    // The first data element's header starts right where the group length says the meta ends.
    expect(firstDataTag[1].offset - 8).toBe(metaEnd);
  });

  it('keeps every value length even, with the padding byte each VR requires', () => {
    for (const { length } of valueOffsets(bytes).values()) expect(length % 2).toBe(0);
    const idOffset = valueOffsets(bytes).get(0x00100020)!;
    expect([...bytes.subarray(idOffset.offset, idOffset.offset + idOffset.length)]).toEqual([0x4f, 0x44, 0x44, 0x20]);
    const uid = valueOffsets(bytes).get(0x00080018)!;
    if (sopInstanceUid.length % 2) expect(bytes[uid.offset + uid.length - 1]).toBe(0);
  });

  it('formats DS within 16 characters, keeping as many digits as fit', () => {
    for (const v of [Math.PI, -Math.PI * 1e7, 1e-12, -0, 123456789012345680000, 0.1 + 0.2]) {
      const s = formatDs(v);
      expect(s.length).toBeLessThanOrEqual(16);
      // At least 10 significant digits survive in 16 characters, even with sign and exponent.
      expect(Math.abs(Number(s) - v)).toBeLessThanOrEqual(1e-10 * Math.abs(v));
    }
    expect(() => formatDs(Number.NaN)).toThrow();
  });

  it('refuses a value too long for a short-length VR and files without SOP UIDs', () => {
    expect(() => writeDicom([{ tag: 0x00080016, vr: 'UI', value: '1.2' }])).toThrow(/SOP Instance UID/);
    const tooLong = [...dataset.filter((e) => e.tag !== 0x00180050), { tag: 0x00080081, vr: 'ST' as const, value: 'x'.repeat(70000) }];
    expect(() => writeDicom(tooLong)).toThrow(/64 KiB/);
  });

  it.skipIf(!hasDcmdump)('dcmdump parses it without warnings (needs dcmtk)', () => {
    const run = spawnSync('dcmdump', ['-q', file], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('(0020,0032) DS [3.14159265358979\\-1e-9\\-123456789.12346]');
    expect(run.stdout).toMatch(/\(0008,1115\) SQ \(Sequence with explicit length #=2\)/);
    expect(run.stdout).toContain('(0028,0009) AT (0018,1063)\\(0018,1520)');
  });

  it.skipIf(!pydicomPython())('pydicom reads the values and pixels back (needs pydicom)', () => {
    const [read] = readWithPydicom([file], ['PatientName', 'PatientID', 'ImagePositionPatient', 'InstanceNumber', 'Columns', 'ReferencedSeriesSequence', 'FrameIncrementPointer', 'PatientBirthDate'], true);
    expect(read.transferSyntax).toBe('1.2.840.10008.1.2.1');
    expect(read.values.PatientName).toBe('Doe^Jane');
    expect(read.values.PatientID).toBe('ODD');
    expect(read.values.InstanceNumber).toBe(7);
    expect(read.values.Columns).toBe(3);
    expect(read.values.PatientBirthDate).toBe('');
    expect((read.values.ImagePositionPatient as number[])[0]).toBeCloseTo(Math.PI, 13);
    expect(read.values.FrameIncrementPointer).toEqual([0x00181063, 0x00181520]);
    expect(read.pixels).toEqual({ shape: [2, 3], min: -32768, max: 32767, sum: pixels.reduce((a, b) => a + b, 0) });
  });
});
