import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventChannel, Events, JobFinish } from '../../shared/contracts/ipc';
import { UserError } from '../../shared/contracts/UserError';
import { invertAffine, transformPoint } from '../../shared/math/mat4';
import { MARKER_A, MARKER_HU } from '../../test/fixtures/phantom';
import { writeManyFiles } from '../../test/fixtures/manyFiles';
import { writeVolumePhantom } from '../../test/fixtures/volumePhantom';
import { dispatchInvoke } from '../transport/dispatchInvoke';
import { createLumenServices } from './createLumenServices';
import type { EventSink, ShellAdapter } from './InvokeHandlers';

class RecordingSink implements EventSink {
  readonly events: { channel: EventChannel; payload: unknown }[] = [];
  private waiters: { jobId: string; resolve: (f: JobFinish) => void }[] = [];
  emit<E extends EventChannel>(channel: E, payload: Events[E]): void {
    this.events.push({ channel, payload });
    if (channel === 'job:onDidFinish') {
      const finish = payload as JobFinish;
      this.waiters.filter((w) => w.jobId === finish.jobId).forEach((w) => w.resolve(finish));
    }
  }
  finished(jobId: string): Promise<JobFinish> {
    const done = this.events.find((e) => e.channel === 'job:onDidFinish' && (e.payload as JobFinish).jobId === jobId);
    if (done) return Promise.resolve(done.payload as JobFinish);
    return new Promise((resolve) => this.waiters.push({ jobId, resolve }));
  }
}

describe('createLumenServices', () => {
  let tmp: string;
  let data: string;
  const sink = new RecordingSink();
  let lumen: ReturnType<typeof createLumenServices>;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-services-'));
    data = path.join(tmp, 'data');
    writeManyFiles({ dir: path.join(data, 'study'), count: 2_000, slicesPerSeries: 100, size: 32 });
    fs.mkdirSync(path.join(data, '.hidden'));
    fs.mkdirSync(path.join(data, 'Another'));
    const shell: ShellAdapter = { shell: 'web', pickFolder: async () => '/picked', stateDir: path.join(tmp, 'state'), initialFolder: null, sampleFolder: null };
    lumen = createLumenServices({ shell, events: sink, pool: { size: 2, enableTestTasks: true }, log: () => {} });
  });
  afterAll(async () => {
    await lumen.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const invoke = (channel: string, payload: unknown) => dispatchInvoke(lumen.handlers, channel, payload, () => {});

  it('answers app:getInfo with the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await invoke('app:getInfo', {})).toEqual({ ok: true, value: { version: pkg.version, shell: 'web', sampleFolder: null, initialFolder: null } });
    expect(await invoke('dialog:pickFolder', {})).toEqual({ ok: true, value: { folder: '/picked' } });
  });

  it('lists sub-folders only, sorted, hidden ones skipped', async () => {
    const out = await invoke('fs:listFolder', { folder: data });
    expect(out.ok && out.value).toMatchObject({ folder: data, parent: tmp, entries: [{ name: 'Another' }, { name: 'study' }] });
    const missing = await invoke('fs:listFolder', { folder: path.join(tmp, 'nope') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('indexes as a job with progress and a finish event, records the folder as recent, then serves thumbnails and frames', async () => {
    const started = await invoke('dicom:indexFolder', { folder: data });
    if (!started.ok) throw new Error(started.error.message);
    const { jobId } = started.value as { jobId: string };
    const finish = await sink.finished(jobId);
    if (!finish.ok || finish.kind !== 'dicom:index') throw new Error(JSON.stringify(finish));
    expect(finish.result.series).toHaveLength(20);
    const progress = sink.events.filter((e) => e.channel === 'job:onDidProgress' && (e.payload as { jobId: string }).jobId === jobId);
    expect(progress.length).toBeGreaterThan(0);

    const recent = await invoke('app:listRecentFolders', {});
    expect(recent.ok && (recent.value as { folders: { folder: string }[] }).folders[0].folder).toBe(data);

    const uid = finish.result.series[0].uid;
    const thumb = await invoke('series:getThumbnail', { seriesUid: uid });
    expect(thumb.ok && thumb.value).toMatchObject({ width: 32, height: 32 });
    const frame = await invoke('series:getFrame', { seriesUid: uid, index: 3 });
    expect(frame.ok && (frame.value as { pixels: Float32Array }).pixels).toBeInstanceOf(Float32Array);
    const unknown = await invoke('series:getFrame', { seriesUid: '9.9.9', index: 0 });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/Re-open/) } });
  });

  it('loads a volume as a job, then hands its voxels over once as int16 on the same grid', async () => {
    const truth = writeVolumePhantom({ dir: path.join(tmp, 'phantom'), orientation: 'rotated', size: [48, 48, 40], spacing: [2, 2, 2.5] });
    const indexed = (await lumen.handlers['dicom:indexFolder']({ folder: truth.dir })) as { jobId: string };
    expect(await sink.finished(indexed.jobId)).toMatchObject({ ok: true });
    const notLoaded = await invoke('volume:getVoxels', { seriesUid: truth.seriesInstanceUid });
    expect(notLoaded).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/Open the series again/) } });

    const started = await invoke('volume:load', { seriesUid: truth.seriesInstanceUid });
    if (!started.ok) throw new Error(started.error.message);
    const finish = await sink.finished((started.value as { jobId: string }).jobId);
    if (!finish.ok || finish.kind !== 'volume:load') throw new Error(JSON.stringify(finish));
    const info = finish.result;
    expect(info).toMatchObject({ dimensions: [48, 48, 40], spacing: [2, 2, 2.5], voxelType: 'int16', modality: 'CT' });
    info.ijkToLps.forEach((v, n) => expect(v).toBeCloseTo(truth.ijkToLps[n]!, 4));

    const got = await invoke('volume:getVoxels', { seriesUid: truth.seriesInstanceUid });
    if (!got.ok) throw new Error(got.error.message);
    const { voxels } = got.value as { voxels: Int16Array };
    expect(voxels).toBeInstanceOf(Int16Array);
    expect(voxels.length).toBe(48 * 48 * 40);
    const [i, j, k] = transformPoint(invertAffine(truth.ijkToLps), MARKER_A).map(Math.round) as [number, number, number];
    expect(voxels[i + 48 * (j + 48 * k)]).toBe(MARKER_HU);
  });

  it('refuses a series that is not a volume, and an unknown one, with messages', async () => {
    expect(await invoke('volume:load', { seriesUid: '9.9.9' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await invoke('volume:load', { seriesUid: '' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('keeps at most ten recent folders, newest first, in the state folder', async () => {
    for (let n = 0; n < 12; n++) await lumen.services.recent.add(`/folder/${n}`);
    const { folders } = (await lumen.handlers['app:listRecentFolders']({})) as { folders: { folder: string }[] };
    expect(folders.map((f) => f.folder)).toEqual(Array.from({ length: 10 }, (_, n) => `/folder/${11 - n}`));
    expect(fs.readdirSync(path.join(tmp, 'state'))).toEqual(['recent-folders.json']);
  });

  it('rejects a missing folder with its path', async () => {
    const missing = path.join(tmp, 'gone');
    expect(await invoke('dicom:indexFolder', { folder: missing })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining(missing) } });
  });

  it('cancels an index job', async () => {
    const { jobId } = (await lumen.handlers['dicom:indexFolder']({ folder: data })) as { jobId: string };
    expect(await lumen.handlers['job:cancel']({ jobId })).toEqual({ cancelled: true });
    const finish = await sink.finished(jobId);
    expect(finish).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await lumen.handlers['job:cancel']({ jobId })).toEqual({ cancelled: false });
  });

  it('fails a job whose worker crashes with a clear message, and the next job works', async () => {
    const { jobs, pool } = lumen.services;
    const crashing = jobs.start('dicom:index', async () => {
      await pool.run('test:crash', { how: 'exit' });
      throw new Error('unreachable');
    });
    const failed = await sink.finished(crashing);
    expect(failed).toMatchObject({ ok: false, error: { code: 'worker-crashed', message: expect.stringMatching(/crashed.*exit code 7.*try again/) } });
    const { jobId } = (await lumen.handlers['dicom:indexFolder']({ folder: data })) as { jobId: string };
    expect(await sink.finished(jobId)).toMatchObject({ ok: true });
  });

  it('turns a non-UserError failure into an internal error without a stack', async () => {
    const id = lumen.services.jobs.start('dicom:index', async () => {
      throw new TypeError('boom');
    });
    const finish = await sink.finished(id);
    expect(finish).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(finish)).not.toMatch(/boom|at /);
    expect(UserError.isPayload((finish as { error: unknown }).error)).toBe(true);
  });
});
