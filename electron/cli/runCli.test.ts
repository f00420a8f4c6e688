import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetaImage } from '../../shared/io/metaImage';
import { readNifti } from '../../shared/io/nifti';
import { readNrrd } from '../../shared/io/nrrd';
import { writeManyFiles } from '../../test/fixtures/manyFiles';
import { runCli } from './runCli';
import { hasSharedData, sharedDataDir } from '../../test/support/referenceTools';
import { pydicomPython, runPydicom } from '../../test/support/pydicom';

const chestDir = path.join(sharedDataDir, 'ct-chest/dicom');

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    isTTY: false,
  });
  return { code, stdout, stderr };
}

describe('lumen CLI', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-cli-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prints help and version', async () => {
    for (const argv of [['--help'], ['help'], ['help', 'index'], ['index', '--help'], ['export-volume', '-h']]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: lumen/);
    }
    expect((await cli('help', 'export-volume')).stdout).toMatch(/--series UID/);
    expect((await cli('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([[[]], [['frobnicate']], [['index']], [['index', '--bogus', 'x']], [['export-volume', 'x']], [['help', 'nope']], [['index', 'a', 'b']]])(
    'exits 2 with usage for %j',
    async (argv) => {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/Usage: lumen/);
      expect(r.stdout).toBe('');
    },
  );

  it('exits 3 with one clear line for a missing folder', async () => {
    const r = await cli('index', path.join(tmp, 'missing'), '--json');
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/does not exist/);
    expect(r.stderr).not.toMatch(/at .*\.ts/);
  });

  it('exits 3 listing the series when several are present and none is named', async () => {
    const dir = path.join(tmp, 'several');
    const made = writeManyFiles({ dir, count: 12, slicesPerSeries: 4, size: 16 });
    const r = await cli('export-volume', dir, '--out', path.join(tmp, 'x.nrrd'));
    expect(r.code).toBe(3);
    for (const s of made.series) expect(r.stderr).toContain(s.uid);
    expect(r.stderr).toMatch(/--series/);
    expect(fs.existsSync(path.join(tmp, 'x.nrrd'))).toBe(false);
  });

  describe.skipIf(!hasSharedData)('on the chest CT (needs ../shared/data)', () => {
    it('index --json prints exactly the contract', async () => {
      const started = performance.now();
      const r = await cli('index', chestDir, '--json');
      console.log(`[measure] lumen index (chest CT, 99 files, incl. worker start): ${((performance.now() - started) / 1000).toFixed(2)} s`);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { series: Record<string, unknown>[]; skipped: unknown[] };
      expect(Object.keys(out).sort()).toEqual(['series', 'skipped']);
      expect(out.series).toHaveLength(1);
      const [s] = out.series;
      for (const key of ['uid', 'kind', 'modality', 'description', 'files', 'frames', 'dimensions', 'spacing', 'warnings']) expect(s).toHaveProperty(key);
      expect(s.kind).toBe('volume');
      expect(s.modality).toBe('CT');
      expect(s.files).toBe(99);
      expect(s.frames).toBe(99);
      expect(s.dimensions).toEqual([512, 512, 99]);
      expect(s.spacing).toEqual([0.564453125, 0.564453125, 3]);
      expect(out.skipped).toEqual([]);
    });

    it('index without --json prints a table', async () => {
      const r = await cli('index', chestDir);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/SERIES UID\s+KIND/);
      expect(r.stdout).toMatch(/volume\s+CT\s+99\s+99\s+512×512×99/);
    });

    it('refuses to write into the source folder', async () => {
      const r = await cli('export-volume', chestDir, '--out', path.join(chestDir, 'out.nrrd'));
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/never|does not write/);
      expect(fs.existsSync(path.join(chestDir, 'out.nrrd'))).toBe(false);
    });

    it('rejects an unknown series uid with exit 3', async () => {
      const r = await cli('export-volume', chestDir, '--series', '1.2.3', '--out', path.join(tmp, 'x.nrrd'));
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/No series 1\.2\.3/);
    });

    it.each([
      ['chest.nrrd', readNrrd],
      ['chest.nii.gz', (b: Uint8Array) => readNifti(b)],
      ['chest.nii', (b: Uint8Array) => readNifti(b)],
      ['chest.mha', readMetaImage],
    ] as const)('export-volume %s round-trips HU and geometry', async (name, read) => {
      const out = path.join(tmp, name);
      const r = await cli('export-volume', chestDir, '--out', out);
      expect(r.code).toBe(0);
      const back = read(new Uint8Array(fs.readFileSync(out)));
      expect(back.dimensions).toEqual([512, 512, 99]);
      expect(back.voxels).toBeInstanceOf(Int16Array);
      // Geometry and values against pydicom: first and last slice positions, and sampled HU.
      if (!pydicomPython()) return;
      const truth = runPydicom<{ first: number[]; last: number[]; row: number[]; col: number[]; ps: number[]; hu: number[] }>(
        String.raw`
import json, sys, glob, os
import numpy as np, pydicom
ds = [pydicom.dcmread(f) for f in glob.glob(os.path.join(sys.argv[1], '*'))]
iop = np.array(ds[0].ImageOrientationPatient, dtype=float)
n = np.cross(iop[:3], iop[3:])
ds.sort(key=lambda d: float(np.dot(n, np.array(d.ImagePositionPatient, dtype=float))))
hu = [float(ds[k].pixel_array[j, i]) * float(ds[k].RescaleSlope) + float(ds[k].RescaleIntercept) for i, j, k in [(0,0,0),(511,511,98),(256,256,49),(100,400,70)]]
json.dump({'first': [float(x) for x in ds[0].ImagePositionPatient], 'last': [float(x) for x in ds[-1].ImagePositionPatient],
  'row': iop[:3].tolist(), 'col': iop[3:].tolist(), 'ps': [float(x) for x in ds[0].PixelSpacing], 'hu': hu}, sys.stdout)
`,
        [chestDir],
      );
      const m = back.ijkToLps;
      const at = (i: number, j: number, k: number) => [0, 1, 2].map((r) => m[4 * r] * i + m[4 * r + 1] * j + m[4 * r + 2] * k + m[4 * r + 3]);
      const tol = name.includes('.nii') ? 1e-3 : 1e-9;
      const expectNear = (got: number[], want: number[]) => got.forEach((g, a) => expect(Math.abs(g - want[a])).toBeLessThan(tol * (1 + Math.abs(want[a]))));
      expectNear(at(0, 0, 0), truth.first);
      expectNear(at(0, 0, 98), truth.last);
      const corner = truth.first.map((p, a) => p + 511 * truth.ps[1] * truth.row[a] + 511 * truth.ps[0] * truth.col[a]);
      expectNear(at(511, 511, 0), corner);
      const voxel = (i: number, j: number, k: number) => back.voxels[i + 512 * (j + 512 * k)];
      expect([voxel(0, 0, 0), voxel(511, 511, 98), voxel(256, 256, 49), voxel(100, 400, 70)]).toEqual(truth.hu);
    });
  });
});
