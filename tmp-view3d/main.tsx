import { createRoot } from 'react-dom/client';
import { StrictMode } from 'react';
import { View3DPanel } from '../renderer/features/view3d/View3DPanel';
import { View3DStore } from '../renderer/stores/View3DStore';
import type { RendererVolume } from '../renderer/viewers/RendererVolume';
import { defaultPhantom, huFromMu, muSampler } from '../test/fixtures/phantom';
import { fromAxes } from '../shared/math/mat4';
import type { Vec3 } from '../shared/math/vec3';
import '../renderer/app/styles.css';

const q = new URLSearchParams(location.search);
const n = Number(q.get('n') ?? 128);
const slices = Number(q.get('slices') ?? 100);
const px = Number(q.get('px') ?? 0.8);
const sz = Number(q.get('sz') ?? 0.95);
const scale = Number(q.get('scale') ?? 1);
const orientation = q.get('orientation') ?? 'axial';
const modality = q.get('modality') ?? 'CT';
const float = q.get('float') === '1';

function axes(): [Vec3, Vec3, Vec3] {
  if (orientation === 'flipped') return [[-1, 0, 0], [0, 0, -1], [0, 1, 0]]; // i→R, j→I, k→P (coronal-ish, mirrored)
  if (orientation === 'oblique') {
    const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
    return [[c, s, 0], [0, 0, 1], [-s, c, 0]];
  }
  return [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
}

function makeVolume(): RendererVolume {
  const [a, b, c] = axes();
  const sp: Vec3 = [px, px, sz];
  const centreIndex: Vec3 = [(n - 1) / 2, (n - 1) / 2, (slices - 1) / 2];
  const origin: Vec3 = [0, 1, 2].map((r) => -(a[r]! * sp[0] * centreIndex[0] + b[r]! * sp[1] * centreIndex[1] + c[r]! * sp[2] * centreIndex[2])) as Vec3;
  const ijkToLps = fromAxes([a[0] * sp[0], a[1] * sp[0], a[2] * sp[0]], [b[0] * sp[1], b[1] * sp[1], b[2] * sp[1]], [c[0] * sp[2], c[1] * sp[2], c[2] * sp[2]], origin);
  const sample = muSampler(defaultPhantom());
  const voxels = float ? new Float32Array(n * n * slices) : new Int16Array(n * n * slices);
  const m = ijkToLps;
  let min = Infinity, max = -Infinity;
  for (let k = 0; k < slices; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const x = (m[0]! * i + m[1]! * j + m[2]! * k + m[3]!) / scale;
        const y = (m[4]! * i + m[5]! * j + m[6]! * k + m[7]!) / scale;
        const z = (m[8]! * i + m[9]! * j + m[10]! * k + m[11]!) / scale;
        const hu = Math.round(huFromMu(sample(x, y, z)));
        voxels[i + n * (j + n * k)] = hu;
        if (hu < min) min = hu;
        if (hu > max) max = hu;
      }
  return { seriesUid: 'phantom', modality, dimensions: [n, n, slices], spacing: sp, ijkToLps, voxels, range: [min, max] };
}

const t0 = performance.now();
const volume = makeVolume();
const store = new View3DStore();
(window as unknown as Record<string, unknown>).__dev = { store, volume, makeMs: performance.now() - t0 };
const width = q.get('w') ?? '640px';
const height = q.get('h') ?? '480px';
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <div id="cell" style={{ width, height, position: 'relative' }} onKeyDown={() => ((window as unknown as Record<string, number>).__leakedKeys = ((window as unknown as Record<string, number>).__leakedKeys ?? 0) + 1)} onPointerDown={() => ((window as unknown as Record<string, number>).__leakedPointer = 1)}>
      <View3DPanel volume={q.get('novolume') ? null : volume} store={store} />
    </div>
  </StrictMode>,
);
