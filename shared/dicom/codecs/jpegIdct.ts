// Dequantisation and the 8x8 inverse DCT (T.81 A.3.3), in double precision.
// Doubles keep 12-bit results within rounding of the exact transform, which is
// what libjpeg's integer "islow" method approximates, so outputs agree to +-1.

/** basis[x * 8 + u] = C(u)/2 * cos((2x+1) u pi / 16). */
const basis = (() => {
  const table = new Float64Array(64);
  for (let x = 0; x < 8; x++) {
    for (let u = 0; u < 8; u++) {
      const cu = u === 0 ? Math.SQRT1_2 : 1;
      table[x * 8 + u] = (cu / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
    }
  }
  return table;
})();

/**
 * Reconstructs every block of one component into `plane` (stride = blocksPerLine * 8),
 * level-shifted by 2^(P-1) and clamped to [0, 2^P - 1].
 */
export function reconstructComponent(args: {
  coefficients: Int32Array;
  quantTable: Uint16Array;
  blocksPerLine: number;
  blockRows: number;
  precision: number;
  plane: Uint16Array;
}): void {
  const { coefficients, quantTable, blocksPerLine, blockRows, precision, plane } = args;
  const stride = blocksPerLine * 8;
  const center = 1 << (precision - 1);
  const maxSample = (1 << precision) - 1;
  const dequantised = new Float64Array(64);
  const rowPass = new Float64Array(64);
  for (let blockRow = 0; blockRow < blockRows; blockRow++) {
    for (let blockCol = 0; blockCol < blocksPerLine; blockCol++) {
      const offset = (blockRow * blocksPerLine + blockCol) * 64;
      for (let i = 0; i < 64; i++) dequantised[i] = coefficients[offset + i] * quantTable[i];
      inverseDct(dequantised, rowPass);
      let out = blockRow * 8 * stride + blockCol * 8;
      for (let y = 0; y < 8; y++, out += stride) {
        for (let x = 0; x < 8; x++) {
          const value = Math.floor(dequantised[y * 8 + x] + center + 0.5);
          plane[out + x] = value < 0 ? 0 : value > maxSample ? maxSample : value;
        }
      }
    }
  }
}

/** Separable 2-D IDCT in place on `block` (row-major F(v,u) in, f(y,x) out). */
function inverseDct(block: Float64Array, scratch: Float64Array): void {
  // Horizontal pass: scratch[v][x] = sum_u basis[x][u] * F[v][u].
  for (let v = 0; v < 8; v++) {
    const row = v * 8;
    let acZero = true;
    for (let u = 1; u < 8; u++) {
      if (block[row + u] !== 0) {
        acZero = false;
        break;
      }
    }
    if (acZero) {
      // Most rows of real images carry only the DC term.
      const dc = block[row] * basis[0];
      for (let x = 0; x < 8; x++) scratch[row + x] = dc;
      continue;
    }
    for (let x = 0; x < 8; x++) {
      const b = x * 8;
      let sum = 0;
      for (let u = 0; u < 8; u++) sum += basis[b + u] * block[row + u];
      scratch[row + x] = sum;
    }
  }
  // Vertical pass: block[y][x] = sum_v basis[y][v] * scratch[v][x].
  for (let x = 0; x < 8; x++) {
    for (let y = 0; y < 8; y++) {
      const b = y * 8;
      let sum = 0;
      for (let v = 0; v < 8; v++) sum += basis[b + v] * scratch[v * 8 + x];
      block[y * 8 + x] = sum;
    }
  }
}
