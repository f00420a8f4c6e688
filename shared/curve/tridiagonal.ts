import type { Vec3 } from '../math/vec3';

/**
 * Tridiagonal solves with one right-hand side per coordinate (x, y, z share the matrix),
 * the linear algebra of the natural and periodic cubic splines. The spline matrices are
 * strictly diagonally dominant, so elimination without pivoting is stable.
 */

/** Solves row i: sub[i]·x[i−1] + diag[i]·x[i] + sup[i]·x[i+1] = rhs[i] (sub[0], sup[n−1] unused). */
export function solveTridiagonal(sub: readonly number[], diag: readonly number[], sup: readonly number[], rhs: readonly Vec3[]): Vec3[] {
  const n = diag.length;
  const c = new Array<number>(n).fill(0);
  const x: Vec3[] = rhs.map((r) => [...r]);
  let pivot = diag[0];
  c[0] = n > 1 ? sup[0] / pivot : 0;
  for (let k = 0; k < 3; k++) x[0][k] /= pivot;
  for (let i = 1; i < n; i++) {
    pivot = diag[i] - sub[i] * c[i - 1];
    c[i] = i < n - 1 ? sup[i] / pivot : 0;
    for (let k = 0; k < 3; k++) x[i][k] = (x[i][k] - sub[i] * x[i - 1][k]) / pivot;
  }
  for (let i = n - 2; i >= 0; i--) {
    for (let k = 0; k < 3; k++) x[i][k] -= c[i] * x[i + 1][k];
  }
  return x;
}

/**
 * Cyclic system: as above, plus the corners sub[0] at (0, n−1) and sup[n−1] at (n−1, 0).
 * Sherman–Morrison: the corners are a rank-one update of a plain tridiagonal matrix.
 * Needs n ≥ 3 (with fewer rows the corners would fall on the band).
 */
export function solveCyclicTridiagonal(sub: readonly number[], diag: readonly number[], sup: readonly number[], rhs: readonly Vec3[]): Vec3[] {
  const n = diag.length;
  if (n < 3) throw new Error('cyclic tridiagonal solve needs at least 3 unknowns');
  const alpha = sup[n - 1]; // (n−1, 0)
  const beta = sub[0]; // (0, n−1)
  const gamma = -diag[0];
  const diagModified = [...diag];
  diagModified[0] = diag[0] - gamma;
  diagModified[n - 1] = diag[n - 1] - (alpha * beta) / gamma;
  const x = solveTridiagonal(sub, diagModified, sup, rhs);
  const uColumn: Vec3[] = Array.from({ length: n }, (): Vec3 => [0, 0, 0]);
  uColumn[0] = [gamma, gamma, gamma];
  uColumn[n - 1] = [alpha, alpha, alpha];
  const z = solveTridiagonal(sub, diagModified, sup, uColumn);
  for (let k = 0; k < 3; k++) {
    const factor = (x[0][k] + (beta / gamma) * x[n - 1][k]) / (1 + z[0][k] + (beta / gamma) * z[n - 1][k]);
    for (let i = 0; i < n; i++) x[i][k] -= factor * z[i][k];
  }
  return x;
}
