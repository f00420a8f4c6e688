import { describe, expect, it } from 'vitest';
import type { FramePixels, InvokeChannel, InvokeOutcome, InvokeRequest, LumenBridge } from '../../shared/contracts/ipc';
import type { SeriesKind, SeriesSummary } from '../../shared/dicom/SeriesSummary';
import { LumenClient } from '../ipc/LumenClient';
import type { CineClock } from './CinePlayer';
import { BufferState, PreviewStore, type PreviewStoreOptions } from './PreviewStore';

const SIZE = 16;
const FRAME_BYTES = SIZE * SIZE * 4;

/** Time that only moves when the test says so, with animation-frame callbacks. */
class FakeClock implements CineClock {
  t = 0;
  private callbacks = new Map<number, () => void>();
  private next = 1;
  now(): number {
    return this.t;
  }
  request(callback: () => void): number {
    this.callbacks.set(this.next, callback);
    return this.next++;
  }
  cancel(handle: number): void {
    this.callbacks.delete(handle);
  }
  runAnimationFrame(): void {
    const due = [...this.callbacks.values()];
    this.callbacks.clear();
    due.forEach((cb) => cb());
  }
}

interface Request {
  index: number;
  readyAt: number;
  settle: (outcome: InvokeOutcome<'series:getFrame'>) => void;
}

/**
 * Main as the store sees it: each frame request answers after `decodeMs` of fake time
 * (or when delivered by hand), frame `f` holding the value f everywhere, so the test
 * can tell which frame is on screen. Frames in `failing` fail to decode.
 */
class FakeMain implements LumenBridge {
  readonly requests: Request[] = [];
  readonly asked: number[] = [];
  maxInFlight = 0;
  readonly failing = new Set<number>();
  constructor(
    private readonly clock: FakeClock,
    private readonly decodeMs = 0,
  ) {}

  invoke<C extends InvokeChannel>(channel: C, req: InvokeRequest<C>): Promise<InvokeOutcome<C>> {
    if (channel !== 'series:getFrame') throw new Error(`unexpected ${channel}`);
    const { index } = req as InvokeRequest<'series:getFrame'>;
    this.asked.push(index);
    return new Promise((resolve) => {
      this.requests.push({ index, readyAt: this.clock.now() + this.decodeMs, settle: (outcome) => resolve(outcome as InvokeOutcome<C>) });
      this.maxInFlight = Math.max(this.maxInFlight, this.requests.length);
    });
  }

  on(): () => void {
    return () => undefined;
  }

  /** Answers the requests that are due (all of them with `all`), oldest first. */
  async deliver(all = false): Promise<number> {
    let delivered = 0;
    for (;;) {
      const at = this.requests.findIndex((r) => all || r.readyAt <= this.clock.now());
      if (at < 0) break;
      const [r] = this.requests.splice(at, 1);
      delivered++;
      if (this.failing.has(r.index)) {
        r.settle({ ok: false, error: { code: 'unreadable', message: `Frame ${r.index + 1} could not be decoded: the RLE pixel data is damaged.` } });
      } else {
        const value = r.index;
        const frame: FramePixels = {
          seriesUid: 'S',
          index: r.index,
          width: SIZE,
          height: SIZE,
          samplesPerPixel: 1,
          pixels: new Float32Array(SIZE * SIZE).fill(value),
          windowCenter: 1000 + r.index,
          windowWidth: 2000 + r.index,
          range: [value, value],
        };
        r.settle({ ok: true, value: frame });
      }
      await flush();
    }
    return delivered;
  }

  /** Answers everything, including what the answers trigger, until main is idle. */
  async drain(): Promise<void> {
    while ((await this.deliver(true)) > 0);
  }
}

async function flush(): Promise<void> {
  for (let k = 0; k < 5; k++) await Promise.resolve();
}

function series(frames: number, kind: SeriesKind = 'rotational-projections', extra: Partial<SeriesSummary> = {}): SeriesSummary {
  return {
    uid: 'S',
    kind,
    modality: 'XA',
    description: 'spin',
    files: 1,
    frames,
    dimensions: [SIZE, SIZE, frames],
    spacing: [0, 0, 0],
    warnings: [],
    uidSynthesised: false,
    patientId: 'P',
    patientName: 'P',
    studyUid: 'T',
    studyDescription: '',
    studyDate: '',
    ...extra,
  };
}

function setup(options: PreviewStoreOptions = {}, decodeMs = 0) {
  const clock = new FakeClock();
  const main = new FakeMain(clock, decodeMs);
  const store = new PreviewStore(new LumenClient(main), { clock, ...options });
  /** Lets `ms` of fake time pass in 60 Hz animation frames, answering main's due requests. */
  const run = async (ms: number): Promise<void> => {
    const end = clock.t + ms;
    while (clock.t < end) {
      clock.t = Math.min(end, clock.t + 1000 / 60);
      await main.deliver();
      clock.runAnimationFrame();
      await flush();
    }
  };
  return { clock, main, store, run };
}

const shownValue = (store: PreviewStore): number | undefined => (store.isCurrent ? store.frame?.pixels[0] : undefined);

describe('PreviewStore: fetching and prefetching frames', () => {
  it('buffers a run that fits whole, frame on screen first, never more than two requests in flight', async () => {
    const { main, store } = setup();
    store.show(series(41));
    expect(main.asked).toEqual([0, 1]);
    expect(store.loading).toBe(true);
    expect(store.isBuffering).toBe(true);
    await main.drain();
    expect(main.maxInFlight).toBe(2);
    expect([...main.asked].sort((a, b) => a - b)).toEqual(Array.from({ length: 41 }, (_, i) => i)); // each frame once
    expect(shownValue(store)).toBe(0);
    expect(store.bufferedFraction).toBe(1);
    expect(store.isBuffering).toBe(false);
    expect([...store.bufferMap].every((s) => s === BufferState.Ready)).toBe(true);
  });

  it('latest wins: scrubbing across 30 frames while two are in flight asks for the last one next, not the 28 between', async () => {
    const { main, store } = setup();
    store.show(series(41));
    for (let i = 1; i <= 30; i++) store.setIndex(i);
    expect(main.asked).toEqual([0, 1]);
    await main.deliver(true);
    expect(main.asked.slice(0, 3)).toEqual([0, 1, 30]);
    await main.deliver(true);
    expect(store.index).toBe(30);
    expect(shownValue(store)).toBe(30);
    expect(main.maxInFlight).toBe(2);
  });

  it('keeps no more frames than the memory budget allows, and follows the user', async () => {
    const { main, store } = setup({ cacheBudgetBytes: 10 * FRAME_BYTES });
    store.show(series(100));
    await main.drain();
    const ready = () => [...store.bufferMap].flatMap((s, i) => (s === BufferState.Ready ? [i] : []));
    expect(ready()).toHaveLength(10);
    expect(store.bufferedFraction).toBe(1);
    store.setIndex(60);
    expect(store.isBuffering).toBe(true);
    await main.drain();
    expect(ready()).toHaveLength(10);
    expect(ready()).toContain(60);
    expect(Math.min(...ready())).toBeGreaterThanOrEqual(58);
    expect(shownValue(store)).toBe(60);
  });

  it('keeps the window/level of the first frame while frames change, until the user resets it', async () => {
    const { main, store } = setup();
    store.show(series(5));
    await main.drain();
    expect([store.windowCenter, store.windowWidth]).toEqual([1000, 2000]);
    store.setIndex(3);
    expect([store.windowCenter, store.windowWidth]).toEqual([1000, 2000]); // no flicker from per-frame windows
    store.setWindow(10, 20);
    store.setIndex(4);
    expect([store.windowCenter, store.windowWidth]).toEqual([10, 20]);
    store.resetWindow();
    expect([store.windowCenter, store.windowWidth]).toEqual([1004, 2004]);
  });

  it('reads the value under the cursor from the frame on screen, and follows frame changes', async () => {
    const { main, store } = setup();
    store.show(series(5));
    await main.drain();
    store.setHoverPoint({ column: 3, row: 7 });
    expect(store.hover).toEqual({ column: 3, row: 7, values: [0] });
    store.step(2);
    expect(store.hover).toEqual({ column: 3, row: 7, values: [2] });
    store.setHoverPoint({ column: SIZE, row: 0 });
    expect(store.hover).toBeNull();
  });
});

describe('PreviewStore: a frame that fails to decode', () => {
  it('says why in place of the image, and the other frames still show', async () => {
    const { main, store } = setup();
    main.failing.add(3);
    store.show(series(8, 'cine'));
    await main.drain();
    store.setIndex(3);
    expect(store.error).toBe('Frame 4 could not be decoded: the RLE pixel data is damaged.');
    expect(store.loading).toBe(false);
    expect(store.isCurrent).toBe(false);
    expect(store.bufferMap[3]).toBe(BufferState.Failed);
    expect(store.bufferedFraction).toBe(1); // a failure is settled, not "still buffering"
    store.step(1);
    expect(store.error).toBeNull();
    expect(shownValue(store)).toBe(4);
    expect(main.asked.filter((i) => i === 3)).toHaveLength(1); // not retried in a loop
  });
});

describe('PreviewStore: cine', () => {
  it('plays at the frame rate of the file, loops, and pauses', async () => {
    const { main, store, run } = setup();
    store.show(series(41, 'rotational-projections', { frameTimeMs: 1000 / 30 }));
    expect(store.cine.fps).toBe(30);
    await main.drain();
    store.togglePlay();
    expect(store.cine.playing).toBe(true);
    await run(500);
    expect(store.index).toBeGreaterThanOrEqual(14);
    expect(store.index).toBeLessThanOrEqual(15);
    await run(1000); // 45 frames in: around the end and back
    expect(store.index).toBeGreaterThanOrEqual(3);
    expect(store.index).toBeLessThanOrEqual(4);
    expect(store.cine.dropped).toBe(0);
    store.togglePlay();
    const paused = store.index;
    await run(500);
    expect(store.index).toBe(paused);
    expect(shownValue(store)).toBe(paused);
  });

  it('stops on the last frame without loop, and starts over from there on play', async () => {
    const { main, store, run } = setup();
    store.show(series(10, 'cine'));
    expect(store.cine.fps).toBe(15); // no frame time: the default
    await main.drain();
    store.cine.toggleLoop();
    store.togglePlay();
    await run(2000);
    expect(store.cine.playing).toBe(false);
    expect(store.index).toBe(9);
    store.togglePlay();
    expect(store.index).toBe(0);
    expect(store.cine.playing).toBe(true);
  });

  it('drops frames instead of lagging when decoding is slower than playback', async () => {
    // One request at a time, 50 ms each: 20 frames/s of decoding for 30 frames/s of playback.
    const { store, run } = setup({ maxInFlight: 1 }, 50);
    store.show(series(200, 'cine', { frameTimeMs: 1000 / 30 }));
    await run(100);
    store.togglePlay();
    await run(3000);
    const due = 90; // 3 s at 30 fps from frame 0
    expect(store.index).toBeGreaterThanOrEqual(due - 3); // on time, give or take a frame or two of decoding (88 here; lagging would be ~60)
    expect(store.index).toBeLessThanOrEqual(due);
    expect(store.cine.dropped).toBeGreaterThan(20);
    expect(shownValue(store)).toBe(store.index);
  });

  it('stepping pauses, seeking keeps playing from the new frame', async () => {
    const { main, store, run } = setup();
    store.show(series(41, 'rotational-projections', { frameTimeMs: 100 }));
    await main.drain();
    store.togglePlay();
    store.setIndex(20);
    await run(250);
    expect(store.cine.playing).toBe(true);
    expect(store.index).toBe(22);
    store.step(1);
    expect(store.cine.playing).toBe(false);
    expect(store.index).toBe(23);
  });

  it('offers no cine for single images or a stack of separate images', () => {
    const { store } = setup();
    store.show(series(1, 'image'));
    expect(store.hasCine).toBe(false);
    store.togglePlay();
    expect(store.cine.playing).toBe(false);
    store.show({ ...series(4, 'image'), uid: 'S2' });
    expect(store.hasCine).toBe(false);
  });
});

describe('PreviewStore: angles and the reconstruction request', () => {
  it('gives the C-arm angles of the frame on screen', () => {
    const { store } = setup();
    store.show(series(3, 'rotational-projections', { frameAngles: { primaryDeg: [-100, 0, 100], secondaryDeg: [0, 5, -5] } }));
    expect(store.angles).toEqual({ primaryDeg: -100, secondaryDeg: 0 });
    store.last();
    expect(store.angles).toEqual({ primaryDeg: 100, secondaryDeg: -5 });
    store.show({ ...series(3, 'cine'), uid: 'S2' });
    expect(store.angles).toBeNull();
  });
});
