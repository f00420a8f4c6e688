/** What the Reformat and flythrough store tests share: a blank volume on a known grid, and no main process. */
import type { LumenBridge } from '../../shared/contracts/ipc';
import { fromAxes } from '../../shared/math/mat4';
import type { RendererVolume } from '../viewers/RendererVolume';

/** 30 × 30 × 50 mm centred on the origin; 0.5 mm in-plane pixels, so a plan's default step is 0.5 mm. */
export const testVolume: RendererVolume = {
  seriesUid: '1.2.3',
  modality: 'CT',
  dimensions: [60, 60, 40],
  spacing: [0.5, 0.5, 1.25],
  ijkToLps: fromAxes([0.5, 0, 0], [0, 0.5, 0], [0, 0, 1.25], [-15, -15, -25]),
  voxels: new Int16Array(60 * 60 * 40),
  range: [0, 0],
};

export const unusedBridge: LumenBridge = {
  invoke: () => Promise.reject(new Error('no main process in this test')),
  on: () => () => undefined,
};
