/**
 * `lumen straighten` on the real chest CT along the trachea (control points found by
 * thresholding air near the midline, then fixed here): a straightened airway is a
 * straight air column centred in every slice, walled by tissue. Skips without ../shared/data.
 */
import { CHEST_TRACHEA } from '../../test/fixtures/chestTrachea';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMarkups } from '../../shared/io/markups';
import { readNrrd } from '../../shared/io/nrrd';
import { hasSharedData, sharedDataDir } from '../../test/support/referenceTools';
import { runCli } from './runCli';

const chestDir = path.join(sharedDataDir, 'ct-chest/dicom');
const TRACHEA = CHEST_TRACHEA;

describe.skipIf(!hasSharedData)('lumen straighten on the chest CT (needs ../shared/data)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-chest-straighten-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('straightens the trachea into a centred air column with tissue around it', async () => {
    const curve = path.join(tmp, 'trachea.mrk.json');
    fs.writeFileSync(curve, writeMarkups([{ name: 'Trachea', closed: false, points: TRACHEA }], 'RAS'));
    const out = path.join(tmp, 'out');
    let stderr = '';
    const code = await runCli(
      ['straighten', chestDir, '--path', curve, '--out', out, '--size', '96x96', '--step', '1', '--projection', 'minip,mip'],
      { stdout: { write: () => {} }, stderr: { write: (s: string) => (stderr += s) }, isTTY: false },
      { pool: { size: 2 } },
    );
    expect(code, stderr).toBe(0);
    const v = readNrrd(fs.readFileSync(path.join(out, 'straightened.nrrd')));
    const [c, r, k] = v.dimensions;
    const spacing = 0.564453125;
    let airCentre = 0;
    let walled = 0;
    for (let s = 0; s < k; s++) {
      const at = (du: number, dv: number) => v.voxels[Math.round((c - 1) / 2 + du / spacing) + c * (Math.round((r - 1) / 2 + dv / spacing) + r * s)]!;
      // Air, with this sharp (B70f) kernel's noise of about ±100 HU; soft tissue is above −100.
      if (at(0, 0) < -700) airCentre++;
      // 16 mm out from the centre line, all four ways: wall, cartilage or mediastinal tissue, not lumen.
      if ([at(16, 0), at(-16, 0), at(0, 16), at(0, -16)].filter((hu) => hu > -500).length >= 3) walled++;
    }
    expect(airCentre / k).toBeGreaterThan(0.95);
    expect(walled / k).toBeGreaterThan(0.8);
    expect(fs.existsSync(path.join(out, 'projection-minip.png'))).toBe(true);
  });
});
