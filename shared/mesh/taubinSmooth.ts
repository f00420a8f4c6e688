/**
 * Taubin's λ/μ smoothing (SIGGRAPH 1995): a shrinking Laplacian step (λ > 0) followed
 * by an inflating one (μ < −λ), a low-pass filter that removes the marching-cubes
 * staircase without the steady shrinkage of plain Laplacian smoothing. Uniform
 * (umbrella) weights; border vertices stay put so open surfaces do not retract.
 * λ = 0.5 and pass-band k_PB = 0.1 give μ = 1 / (k_PB − 1/λ) ≈ −0.526.
 */
import type { TriangleMesh } from './TriangleMesh';
import { borderVertices, vertexTriangles } from './vertexTriangles';

export interface TaubinOptions {
  /** λ/μ pairs. */
  iterations: number;
  /** Shrinking step, default 0.5. */
  lambda?: number;
  /** Inflating step, default 1 / (0.1 − 1/λ): pass band 0.1. μ = 0 is plain Laplacian smoothing. */
  mu?: number;
  /** Called after each λ/μ pair (done of iterations). */
  onProgress?: (done: number, total: number) => void;
  /** Checked after each λ/μ pair: aborting throws its reason (an AbortError). */
  signal?: AbortSignal;
}

export function taubinSmooth(mesh: TriangleMesh, options: TaubinOptions): TriangleMesh {
  const lambda = options.lambda ?? 0.5;
  const mu = options.mu ?? 1 / (0.1 - 1 / lambda);
  const { triangles: t } = mesh;
  const around = vertexTriangles(mesh);
  const border = borderVertices(mesh, around);
  const { start, list } = around;
  let positions = Float64Array.from(mesh.positions);
  let scratch = new Float64Array(positions.length);
  const step = (factor: number) => {
    for (let v = 0; v + 1 < start.length; v++) {
      const count = start[v + 1] - start[v];
      const p = 3 * v;
      if (count === 0 || border[v]) {
        scratch[p] = positions[p];
        scratch[p + 1] = positions[p + 1];
        scratch[p + 2] = positions[p + 2];
        continue;
      }
      // Each neighbour of a closed fan is in two of its triangles: the mean of the others' vertices is the umbrella mean.
      let x = 0, y = 0, z = 0;
      for (let s = start[v]; s < start[v + 1]; s++) {
        const n = 3 * list[s];
        for (let c = 0; c < 3; c++) {
          const w = 3 * t[n + c];
          x += positions[w];
          y += positions[w + 1];
          z += positions[w + 2];
        }
      }
      const k = 2 * count;
      x = (x - count * positions[p]) / k;
      y = (y - count * positions[p + 1]) / k;
      z = (z - count * positions[p + 2]) / k;
      scratch[p] = positions[p] + factor * (x - positions[p]);
      scratch[p + 1] = positions[p + 1] + factor * (y - positions[p + 1]);
      scratch[p + 2] = positions[p + 2] + factor * (z - positions[p + 2]);
    }
    [positions, scratch] = [scratch, positions];
  };
  for (let n = 0; n < options.iterations; n++) {
    step(lambda);
    if (mu !== 0) step(mu);
    options.signal?.throwIfAborted();
    options.onProgress?.(n + 1, options.iterations);
  }
  return { positions, triangles: t };
}
