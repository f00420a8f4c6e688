/**
 * Paths saved with a volume's session, through the same dispatch every transport uses: round
 * trips exactly per series, a damaged file is set aside (not lost) with a clear message and
 * touches no other series, and the schema refuses payloads out of bounds before the service runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionPath } from '../../shared/contracts/ipc';
import { MAX_SESSION_PATH_POINTS, MAX_SESSION_PATHS } from '../../shared/contracts/schemas';
import { dispatchInvoke } from '../transport/dispatchInvoke';
import { createLumenServices } from './createLumenServices';
import type { ShellAdapter } from './InvokeHandlers';
import type { PathSessions } from './PathSessions';

const AORTA: SessionPath = { name: 'Aorta', colour: '#4fc3f7', closed: false, locked: true, points: [[0.1, -22.5, 30], [1 / 3, -20, 10], [2.5e-7, -18.75, -10.125]] };
const ARCH: SessionPath = { name: 'Dental arch ✓', colour: '#FF8A65', closed: true, locked: false, points: [[-30, 10, 0], [0, -25, 0], [30, 10, 0]] };
const SERIES = '1.2.826.0.1.3680043.8.498.12345';
const OTHER = '1.2.826.0.1.3680043.8.498.67890';

describe('PathSessions', () => {
  let stateDir: string;
  let lumen: ReturnType<typeof createLumenServices>;
  let sessions: PathSessions;
  const invoke = (channel: string, payload: unknown) => dispatchInvoke(lumen.handlers, channel, payload, () => {});

  beforeAll(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-paths-'));
    const shell: ShellAdapter = { shell: 'web', pickFolder: async () => null, stateDir, initialFolder: null, sampleFolder: null };
    lumen = createLumenServices({ shell, events: { emit: () => {} }, pool: { size: 1 }, log: () => {} });
    sessions = lumen.services.pathSessions;
  });
  afterAll(async () => {
    await lumen.dispose();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('a series never saved has no paths; saved paths come back exactly, per series', async () => {
    expect(await invoke('paths:load', { seriesUid: SERIES })).toEqual({ ok: true, value: { paths: [] } });
    const saved = await invoke('paths:save', { seriesUid: SERIES, paths: [AORTA, ARCH] });
    expect(saved.ok).toBe(true);
    await invoke('paths:save', { seriesUid: OTHER, paths: [ARCH] });
    expect(await invoke('paths:load', { seriesUid: SERIES })).toEqual({ ok: true, value: { paths: [AORTA, ARCH] } });
    expect(await invoke('paths:load', { seriesUid: OTHER })).toEqual({ ok: true, value: { paths: [ARCH] } });
    // In the state folder, not beside the data, and named so any UID makes a safe file name.
    expect(path.dirname(sessions.fileFor(SERIES))).toBe(path.join(stateDir, 'paths'));
    expect(path.basename(sessions.fileFor('../../etc/passwd'))).toMatch(/^[0-9a-f]{32}\.json$/);
    // Deleting every path is saved too.
    await invoke('paths:save', { seriesUid: OTHER, paths: [] });
    expect(await invoke('paths:load', { seriesUid: OTHER })).toEqual({ ok: true, value: { paths: [] } });
  });

  it('saves of one series land in the order they were made', async () => {
    const versions = Array.from({ length: 20 }, (_, n): SessionPath => ({ ...AORTA, name: `v${n}` }));
    await Promise.all(versions.map((v) => sessions.save(SERIES, [v])));
    expect((await sessions.load(SERIES))[0]!.name).toBe('v19');
    // Atomic writes leave no temporary files behind.
    expect(fs.readdirSync(sessions.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a damaged file is reported clearly, kept aside, and costs no other series its paths', async () => {
    await sessions.save(SERIES, [AORTA]);
    const file = sessions.fileFor(SERIES);
    const damaged = fs.readFileSync(file, 'utf8').slice(0, 40);
    fs.writeFileSync(file, damaged);
    const out = await invoke('paths:load', { seriesUid: SERIES });
    expect(out).toMatchObject({ ok: false, error: { code: 'unreadable' } });
    const message = !out.ok ? out.error.message : '';
    expect(message).toMatch(/could not be read \(it is not valid JSON\)/);
    const kept = fs.readdirSync(sessions.dir).find((f) => f.includes('.unreadable-'))!;
    expect(message).toContain(kept);
    expect(fs.readFileSync(path.join(sessions.dir, kept), 'utf8')).toBe(damaged);
    // The series starts afresh; the other series is untouched.
    expect(await sessions.load(SERIES)).toEqual([]);
    expect(await sessions.load(OTHER)).toEqual([]);
    await sessions.save(OTHER, [ARCH]);
    expect(await sessions.load(OTHER)).toEqual([ARCH]);

    // Valid JSON that breaks the bounds, or belongs to another series, is refused the same way.
    const bad = { format: 'lumen-paths', version: 1, seriesUid: SERIES, savedAt: '', paths: [{ ...AORTA, points: [[0, 0, 'x']] }] };
    fs.writeFileSync(file, JSON.stringify(bad));
    expect(await invoke('paths:load', { seriesUid: SERIES })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/path data is invalid at 0\.points\.0\.2/) } });
    fs.writeFileSync(file, JSON.stringify({ ...bad, seriesUid: OTHER, paths: [] }));
    expect(await invoke('paths:load', { seriesUid: SERIES })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/belongs to another series/) } });
    expect(fs.readdirSync(sessions.dir).filter((f) => f.includes('.unreadable-'))).toHaveLength(3);
  });

  it('refuses payloads out of bounds before anything is written', async () => {
    const tooManyPoints = { ...AORTA, points: Array.from({ length: MAX_SESSION_PATH_POINTS + 1 }, (): [number, number, number] => [0, 0, 0]) };
    const cases: [unknown, RegExp][] = [
      [{ seriesUid: SERIES, paths: [tooManyPoints] }, /at most 20000 control points/],
      [{ seriesUid: SERIES, paths: Array.from({ length: MAX_SESSION_PATHS + 1 }, () => ARCH) }, /at most 200 paths/],
      [{ seriesUid: SERIES, paths: [{ ...AORTA, name: 'x'.repeat(201) }] }, /paths\.0\.name/],
      [{ seriesUid: SERIES, paths: [{ ...AORTA, colour: 'red' }] }, /#rrggbb/],
      [{ seriesUid: SERIES, paths: [{ ...AORTA, points: [[0, Number.NaN, 0]] }] }, /paths\.0\.points\.0\.1/],
      [{ seriesUid: SERIES, paths: [{ ...AORTA, extra: 1 }] }, /paths\.0/],
      [{ seriesUid: '', paths: [] }, /seriesUid/],
    ];
    const before = fs.readFileSync(sessions.fileFor(OTHER), 'utf8');
    for (const [payload, message] of cases) {
      const out = await invoke('paths:save', payload);
      expect(out).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
      expect(!out.ok && out.error.message).toMatch(message);
    }
    expect(fs.readFileSync(sessions.fileFor(OTHER), 'utf8')).toBe(before);
  });
});
