/*
 * The plane sampler of reslicePlane.ts, compiled to WebAssembly (wasm32 + simd128) by
 * build/buildWasm.mjs for the straightening workers. The TypeScript kernel stays the
 * reference and the fallback; this one is what makes a 512x512x700 straightened volume
 * take well under a second on two cores.
 *
 * Semantics are those of reslicePlane(): pixel (c, r) is sampled at voxel index position
 * origin + c * colStep + r * rowStep; a voxel fills +-0.5 around its centre, positions
 * outside [-0.5, n - 0.5] get `background` and mask 0, positions within clamp to the edge
 * voxels. Nearest and trilinear only (cubic stays in TypeScript).
 *
 *  - nearest: a transcription of the TypeScript sampler, operation for operation in
 *    float64 (wasm has no fused multiply-add and -ffp-contract=off keeps clang from
 *    reassociating), with the same position accumulation: bit-identical output.
 *  - linear: each row is split by analytic intervals into columns surely outside (bulk
 *    background), columns surely in the interior [0, n - 1) by a margin (four at a time
 *    in float32x4 lanes from fixed-point positions) and the thin band between (the
 *    float64 checked sampler of the TypeScript kernel). Whole-voxel column steps
 *    (orthogonal views) keep the TypeScript kernel's float64 row loop. The float32 blends
 *    differ from the float64 ones by a few float32 ulps of the neighbourhood's magnitude
 *    (under 4e-4 HU on the chest CT), far below any image meaning.
 *
 * The volume lives in the module's shared memory as int16 when that is lossless, float32
 * otherwise. Nothing here uses the C stack (no address-taken locals), so instances in
 * several workers can run over one shared memory at once: each writes only the pixel and
 * mask area it is given.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define NAN_VALUE __builtin_nan("")
/* Interior and outside tests keep this far (in voxels) from the boundaries they test. */
#define MARGIN 1e-6
#define ALIGNED_EPS 1e-9

static inline double dmin(double a, double b) { return a < b ? a : b; }
static inline double dmax(double a, double b) { return a > b ? a : b; }
static inline int32_t imin(int32_t a, int32_t b) { return a < b ? a : b; }
static inline int32_t imax(int32_t a, int32_t b) { return a > b ? a : b; }
static inline double clampd(double x, double max) { return x < 0 ? 0 : x > max ? max : x; }
/* Math.round: half up. */
static inline double jsround(double x) { return __builtin_floor(x + 0.5); }
static inline int is_integer(double x) {
  double d = x - jsround(x);
  return (d < 0 ? -d : d) <= ALIGNED_EPS;
}

static inline int inside_box(int32_t nx, int32_t ny, int32_t nz, double i, double j, double k) {
  return i >= -0.5 && i <= nx - 0.5 && j >= -0.5 && j <= ny - 0.5 && k >= -0.5 && k <= nz - 0.5;
}

/*
 * Column intervals are packed into one int64 (first | last << 32) and returned by value:
 * out-parameters would put locals on the C stack, which the workers share.
 */
#define PACK_SPAN(first, last) ((uint64_t)(uint32_t)(int32_t)(first) | ((uint64_t)(uint32_t)(int32_t)(last) << 32))
#define NO_SPAN PACK_SPAN(0, -1)
static inline int32_t span_first(uint64_t s) { return (int32_t)(uint32_t)s; }
static inline int32_t span_last(uint64_t s) { return (int32_t)(uint32_t)(s >> 32); }

/*
 * Columns c in [0, columns) whose position p + c * d lies in [lo, hi] on one axis,
 * intersected with [first, last]. Rounded inwards, so every column returned is inside.
 */
static inline uint64_t clip_axis(uint64_t span, double p, double d, double lo, double hi) {
  double first = span_first(span), last = span_last(span);
  if (d == 0) return p >= lo && p <= hi ? span : NO_SPAN;
  double t1 = (lo - p) / d, t2 = (hi - p) / d;
  first = dmax(first, __builtin_ceil(dmin(t1, t2)));
  last = dmin(last, __builtin_floor(dmax(t1, t2)));
  return first <= last ? PACK_SPAN(first, last) : NO_SPAN;
}

/* Columns whose positions lie within [lo, hi + n - 1] on every axis. */
static inline uint64_t columns_within(int32_t nx, int32_t ny, int32_t nz, double i, double j, double k, double di, double dj, double dk, int32_t columns, double lo, double hi) {
  uint64_t s = PACK_SPAN(0, columns - 1);
  s = clip_axis(s, i, di, lo, hi + nx - 1);
  if (span_first(s) > span_last(s)) return s;
  s = clip_axis(s, j, dj, lo, hi + ny - 1);
  if (span_first(s) > span_last(s)) return s;
  return clip_axis(s, k, dk, lo, hi + nz - 1);
}

/*
 * The whole-voxel fast path of reslicePlane.ts (interiorColumns, not strict): positions
 * within [1e-9, n - 1 - 1e-9], or anywhere in [0, n - 1] on an axis the row does not move
 * along (the aligned row loop reads a neighbour only along axes with a fraction).
 */
static inline uint64_t interior_columns_ts(int32_t nx, int32_t ny, int32_t nz, double i, double j, double k, double di, double dj, double dk, int32_t columns) {
  if ((di == 0 && (i < 0 || i > nx - 1)) || (dj == 0 && (j < 0 || j > ny - 1)) || (dk == 0 && (k < 0 || k > nz - 1))) return NO_SPAN;
  uint64_t s = PACK_SPAN(0, columns - 1);
  if (di != 0) s = clip_axis(s, i, di, 1e-9, nx - 1 - 1e-9);
  if (dj != 0 && span_first(s) <= span_last(s)) s = clip_axis(s, j, dj, 1e-9, ny - 1 - 1e-9);
  if (dk != 0 && span_first(s) <= span_last(s)) s = clip_axis(s, k, dk, 1e-9, nz - 1 - 1e-9);
  return s;
}

/* One 2x2x2 blend, clamped at the edges: the checked sampler of reslicePlane.ts. */
#define DEFINE_SCALAR(T, SUFFIX)                                                                                               \
  static double sample_nearest_##SUFFIX(const T *v, int32_t nx, int32_t ny, int32_t nz, double i, double j, double k) {      \
    if (!inside_box(nx, ny, nz, i, j, k)) return NAN_VALUE;                                                                \
    int32_t x = (int32_t)dmin(nx - 1, __builtin_floor(i + 0.5));                                                           \
    int32_t y = (int32_t)dmin(ny - 1, __builtin_floor(j + 0.5));                                                           \
    int32_t z = (int32_t)dmin(nz - 1, __builtin_floor(k + 0.5));                                                           \
    return v[x + nx * (y + ny * z)];                                                                                       \
  }                                                                                                                        \
                                                                                                                           \
  static double sample_linear_##SUFFIX(const T *v, int32_t nx, int32_t ny, int32_t nz, double i, double j, double k) {       \
    if (!inside_box(nx, ny, nz, i, j, k)) return NAN_VALUE;                                                                \
    double x = clampd(i, nx - 1), y = clampd(j, ny - 1), z = clampd(k, nz - 1);                                            \
    int32_t x0 = imin((int32_t)x, imax(0, nx - 2));                                                                        \
    int32_t y0 = imin((int32_t)y, imax(0, ny - 2));                                                                        \
    int32_t z0 = imin((int32_t)z, imax(0, nz - 2));                                                                        \
    double fx = x - x0, fy = y - y0, fz = z - z0;                                                                          \
    int32_t sx = nx > 1 ? 1 : 0, sy = ny > 1 ? nx : 0, sz = nz > 1 ? nx * ny : 0;                                          \
    int32_t base = x0 + nx * (y0 + ny * z0);                                                                               \
    double c0 = fx == 0 ? (double)v[base] : v[base] + fx * ((double)v[base + sx] - v[base]);                               \
    if (fy != 0) {                                                                                                         \
      int32_t b = base + sy;                                                                                               \
      c0 += fy * ((fx == 0 ? (double)v[b] : v[b] + fx * ((double)v[b + sx] - v[b])) - c0);                                \
    }                                                                                                                      \
    if (fz == 0) return c0;                                                                                                \
    int32_t bz = base + sz;                                                                                                \
    double c1 = fx == 0 ? (double)v[bz] : v[bz] + fx * ((double)v[bz + sx] - v[bz]);                                       \
    if (fy != 0) {                                                                                                         \
      int32_t b = bz + sy;                                                                                                 \
      c1 += fy * ((fx == 0 ? (double)v[b] : v[b] + fx * ((double)v[b + sx] - v[b])) - c1);                                 \
    }                                                                                                                      \
    return c0 + fz * (c1 - c0);                                                                                            \
  }                                                                                                                        \
                                                                                                                           \
  /* Whole-voxel column steps: constant weights along the row (linearRowInterior). */                                   \
  static void linear_row_aligned_##SUFFIX(const T *v, int32_t nx, int32_t ny, int32_t nz, double i, double j, double k,    \
                                          double di, double dj, double dk, int32_t count, float *out) {                    \
    int32_t nxy = nx * ny;                                                                                                 \
    double x0 = __builtin_floor(i), y0 = __builtin_floor(j), z0 = __builtin_floor(k);                                      \
    double fx = i - x0, fy = j - y0, fz = k - z0;                                                                          \
    int32_t stride = (int32_t)jsround(di) + nx * (int32_t)jsround(dj) + nxy * (int32_t)jsround(dk);                        \
    int32_t b = (int32_t)x0 + nx * (int32_t)y0 + nxy * (int32_t)z0;                                                        \
    if (fx == 0 && fy == 0 && fz == 0) {                                                                                   \
      for (int32_t c = 0; c < count; c++, b += stride) out[c] = (float)(double)v[b];                                       \
    } else if (fx == 0 && fy == 0) {                                                                                       \
      for (int32_t c = 0; c < count; c++, b += stride) out[c] = (float)(v[b] + fz * ((double)v[b + nxy] - v[b]));          \
    } else if (fx == 0 && fz == 0) {                                                                                       \
      for (int32_t c = 0; c < count; c++, b += stride) out[c] = (float)(v[b] + fy * ((double)v[b + nx] - v[b]));           \
    } else if (fy == 0 && fz == 0) {                                                                                       \
      for (int32_t c = 0; c < count; c++, b += stride) out[c] = (float)(v[b] + fx * ((double)v[b + 1] - v[b]));            \
    } else {                                                                                                               \
      for (int32_t c = 0; c < count; c++, i += di, j += dj, k += dk) out[c] = (float)sample_linear_##SUFFIX(v, nx, ny, nz, i, j, k); \
    }                                                                                                                      \
  }

DEFINE_SCALAR(int16_t, i16)
DEFINE_SCALAR(float, f32)

/*
 * Positions as 32.32 fixed point in int64 lanes: the integer parts are the high words
 * and the fractions the low words, so four columns need two shuffles per axis instead of
 * floors and float-to-int conversions. The rounding of the step drifts by 2^-33 voxel per
 * column, so runs restart every RUN_BLOCK columns to stay far inside MARGIN.
 */
/* Runs restart from exact positions this often, keeping the drift below 1024 * 2^-33 voxel. */
#define RUN_BLOCK 1024
static inline int64_t to_fixed(double x) { return (int64_t)__builtin_floor(x * 4294967296.0 + 0.5); }
#define FRACTION_SCALE 0x1p-24f

/* Integer parts and float32 fractions (24 bits) of four fixed-point positions. */
#define SPLIT(P0, P1, INT, FRAC)                                                                                         \
  v128_t INT = wasm_i32x4_shuffle(P0, P1, 1, 3, 5, 7);                                                                   \
  v128_t FRAC = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_u32x4_shr(wasm_i32x4_shuffle(P0, P1, 0, 2, 4, 6), 8)), wasm_f32x4_splat(FRACTION_SCALE))

/*
 * Four columns at a time, every position within [MARGIN, n - 1 - MARGIN] on every axis,
 * so the 2x2x2 neighbourhood is always in the volume. Int16 voxels: the x-neighbours are
 * one 32-bit load, and i32x4.dot_i16x8_s against (1, 0) and (-1, 1) yields the voxel and
 * its difference to the next in one instruction each.
 */
static void linear_run_i16(const int16_t *v, int32_t nx, int32_t nxy, double i, double j, double k, double di, double dj, double dk, int32_t count, float *out) {
  int64_t pi = to_fixed(i), pj = to_fixed(j), pk = to_fixed(k);
  int64_t si = to_fixed(di), sj = to_fixed(dj), sk = to_fixed(dk);
  /* Columns c, c + 1 in one accumulator per axis; c + 2, c + 3 derived (fewer live registers). */
  v128_t I0 = wasm_i64x2_make(pi, pi + si), J0 = wasm_i64x2_make(pj, pj + sj), K0 = wasm_i64x2_make(pk, pk + sk);
  const v128_t SI = wasm_i64x2_splat(2 * si), SJ = wasm_i64x2_splat(2 * sj), SK = wasm_i64x2_splat(2 * sk);
  const v128_t NX = wasm_i32x4_splat(nx), NXY = wasm_i32x4_splat(nxy);
  const v128_t FIRST = wasm_i16x8_make(1, 0, 1, 0, 1, 0, 1, 0), DELTA = wasm_i16x8_make(-1, 1, -1, 1, -1, 1, -1, 1);
  int32_t c = 0;
  for (; c + 4 <= count; c += 4) {
    v128_t I1 = wasm_i64x2_add(I0, SI), J1 = wasm_i64x2_add(J0, SJ), K1 = wasm_i64x2_add(K0, SK);
    SPLIT(I0, I1, xi, fx);
    SPLIT(J0, J1, yi, fy);
    SPLIT(K0, K1, zi, fz);
    v128_t idx = wasm_i32x4_add(wasm_i32x4_add(xi, wasm_i32x4_mul(yi, NX)), wasm_i32x4_mul(zi, NXY));
    const int16_t *p0 = v + wasm_i32x4_extract_lane(idx, 0), *p1 = v + wasm_i32x4_extract_lane(idx, 1), *p2 = v + wasm_i32x4_extract_lane(idx, 2), *p3 = v + wasm_i32x4_extract_lane(idx, 3);
#define PAIRS(off) wasm_v128_load32_lane(p3 + (off), wasm_v128_load32_lane(p2 + (off), wasm_v128_load32_lane(p1 + (off), wasm_v128_load32_zero(p0 + (off)), 1), 2), 3)
#define BLEND_X(q) wasm_f32x4_add(wasm_f32x4_convert_i32x4(wasm_i32x4_dot_i16x8(q, FIRST)), wasm_f32x4_mul(fx, wasm_f32x4_convert_i32x4(wasm_i32x4_dot_i16x8(q, DELTA))))
    v128_t q00 = PAIRS(0), q10 = PAIRS(nx), q01 = PAIRS(nxy), q11 = PAIRS(nxy + nx);
    v128_t a00 = BLEND_X(q00), a10 = BLEND_X(q10), a01 = BLEND_X(q01), a11 = BLEND_X(q11);
#undef PAIRS
#undef BLEND_X
    v128_t a0 = wasm_f32x4_add(a00, wasm_f32x4_mul(fy, wasm_f32x4_sub(a10, a00)));
    v128_t a1 = wasm_f32x4_add(a01, wasm_f32x4_mul(fy, wasm_f32x4_sub(a11, a01)));
    wasm_v128_store(out + c, wasm_f32x4_add(a0, wasm_f32x4_mul(fz, wasm_f32x4_sub(a1, a0))));
    I0 = wasm_i64x2_add(I1, SI), J0 = wasm_i64x2_add(J1, SJ), K0 = wasm_i64x2_add(K1, SK);
  }
  /* The last one to three columns: the same float32 blend, one lane used. */
#pragma clang loop vectorize(disable)
  for (; c < count; c++) {
    double x = i + c * di, y = j + c * dj, z = k + c * dk;
    double xf = __builtin_floor(x), yf = __builtin_floor(y), zf = __builtin_floor(z);
    float tx = (float)(x - xf), ty = (float)(y - yf), tz = (float)(z - zf);
    const int16_t *p = v + ((int32_t)xf + nx * (int32_t)yf + nxy * (int32_t)zf);
    float a00 = p[0] + tx * ((float)p[1] - p[0]);
    float a10 = p[nx] + tx * ((float)p[nx + 1] - p[nx]);
    float a01 = p[nxy] + tx * ((float)p[nxy + 1] - p[nxy]);
    float a11 = p[nxy + nx] + tx * ((float)p[nxy + nx + 1] - p[nxy + nx]);
    float a0 = a00 + ty * (a10 - a00), a1 = a01 + ty * (a11 - a01);
    out[c] = a0 + tz * (a1 - a0);
  }
}

/* linear_run_i16 for float32 voxels: the x-neighbours are one 64-bit load. */
static void linear_run_f32(const float *v, int32_t nx, int32_t nxy, double i, double j, double k, double di, double dj, double dk, int32_t count, float *out) {
  int64_t pi = to_fixed(i), pj = to_fixed(j), pk = to_fixed(k);
  int64_t si = to_fixed(di), sj = to_fixed(dj), sk = to_fixed(dk);
  /* Columns c, c + 1 in one accumulator per axis; c + 2, c + 3 derived (fewer live registers). */
  v128_t I0 = wasm_i64x2_make(pi, pi + si), J0 = wasm_i64x2_make(pj, pj + sj), K0 = wasm_i64x2_make(pk, pk + sk);
  const v128_t SI = wasm_i64x2_splat(2 * si), SJ = wasm_i64x2_splat(2 * sj), SK = wasm_i64x2_splat(2 * sk);
  const v128_t NX = wasm_i32x4_splat(nx), NXY = wasm_i32x4_splat(nxy);
  int32_t c = 0;
  for (; c + 4 <= count; c += 4) {
    v128_t I1 = wasm_i64x2_add(I0, SI), J1 = wasm_i64x2_add(J0, SJ), K1 = wasm_i64x2_add(K0, SK);
    SPLIT(I0, I1, xi, fx);
    SPLIT(J0, J1, yi, fy);
    SPLIT(K0, K1, zi, fz);
    v128_t idx = wasm_i32x4_add(wasm_i32x4_add(xi, wasm_i32x4_mul(yi, NX)), wasm_i32x4_mul(zi, NXY));
    const float *p0 = v + wasm_i32x4_extract_lane(idx, 0), *p1 = v + wasm_i32x4_extract_lane(idx, 1), *p2 = v + wasm_i32x4_extract_lane(idx, 2), *p3 = v + wasm_i32x4_extract_lane(idx, 3);
#define BLEND_X(off)                                                                                                     \
  ({                                                                                                                     \
    v128_t lo_ = wasm_v128_load64_lane(p1 + (off), wasm_v128_load64_zero(p0 + (off)), 1);                                \
    v128_t hi_ = wasm_v128_load64_lane(p3 + (off), wasm_v128_load64_zero(p2 + (off)), 1);                                \
    v128_t a_ = wasm_i32x4_shuffle(lo_, hi_, 0, 2, 4, 6), b_ = wasm_i32x4_shuffle(lo_, hi_, 1, 3, 5, 7);                 \
    wasm_f32x4_add(a_, wasm_f32x4_mul(fx, wasm_f32x4_sub(b_, a_)));                                                      \
  })
    v128_t a00 = BLEND_X(0), a10 = BLEND_X(nx), a01 = BLEND_X(nxy), a11 = BLEND_X(nxy + nx);
#undef BLEND_X
    v128_t a0 = wasm_f32x4_add(a00, wasm_f32x4_mul(fy, wasm_f32x4_sub(a10, a00)));
    v128_t a1 = wasm_f32x4_add(a01, wasm_f32x4_mul(fy, wasm_f32x4_sub(a11, a01)));
    wasm_v128_store(out + c, wasm_f32x4_add(a0, wasm_f32x4_mul(fz, wasm_f32x4_sub(a1, a0))));
    I0 = wasm_i64x2_add(I1, SI), J0 = wasm_i64x2_add(J1, SJ), K0 = wasm_i64x2_add(K1, SK);
  }
#pragma clang loop vectorize(disable)
  for (; c < count; c++) {
    double x = i + c * di, y = j + c * dj, z = k + c * dk;
    double xf = __builtin_floor(x), yf = __builtin_floor(y), zf = __builtin_floor(z);
    float tx = (float)(x - xf), ty = (float)(y - yf), tz = (float)(z - zf);
    const float *p = v + ((int32_t)xf + nx * (int32_t)yf + nxy * (int32_t)zf);
    float a00 = p[0] + tx * (p[1] - p[0]);
    float a10 = p[nx] + tx * (p[nx + 1] - p[nx]);
    float a01 = p[nxy] + tx * (p[nxy + 1] - p[nxy]);
    float a11 = p[nxy + nx] + tx * (p[nxy + nx + 1] - p[nxy + nx]);
    float a0 = a00 + ty * (a10 - a00), a1 = a01 + ty * (a11 - a01);
    out[c] = a0 + tz * (a1 - a0);
  }
}

static inline void fill_outside(float *pixels, uint8_t *mask, int32_t from, int32_t to, float background) {
  for (int32_t c = from; c < to; c++) pixels[c] = background;
  if (to > from) __builtin_memset(mask + from, 0, to - from);
}

/*
 * Rows [row0, row0 + rowCount) of one plane; row r's pixels go to pixels + (r - row0) * columns
 * (and its mask likewise). `linear` 0 is nearest. Returns the number of pixels inside the volume.
 */
#define DEFINE_RESLICE(T, SUFFIX)                                                                                            \
  __attribute__((export_name("reslice_rows_" #SUFFIX))) int32_t reslice_rows_##SUFFIX(                                     \
      const T *v, int32_t nx, int32_t ny, int32_t nz, double di, double ri, double oi, double dj, double rj, double oj,    \
      double dk, double rk, double ok, int32_t columns, int32_t row0, int32_t rowCount, int32_t linear, float background,   \
      float *pixels, uint8_t *mask) {                                                                                       \
    int aligned = is_integer(di) && is_integer(dj) && is_integer(dk);                                                       \
    int32_t nxy = nx * ny;                                                                                                  \
    int32_t inside = 0;                                                                                                     \
    for (int32_t r = row0; r < row0 + rowCount; r++, pixels += columns, mask += columns) {                                  \
      double i = ri * r + oi, j = rj * r + oj, k = rk * r + ok;                                                             \
      if (!linear) {                                                                                                        \
        /* The TypeScript loop exactly, position accumulation included. */                                                 \
        for (int32_t c = 0; c < columns; c++, i += di, j += dj, k += dk) {                                                 \
          double s = sample_nearest_##SUFFIX(v, nx, ny, nz, i, j, k);                                                       \
          if (s != s) {                                                                                                     \
            pixels[c] = background;                                                                                         \
            mask[c] = 0;                                                                                                    \
          } else {                                                                                                          \
            pixels[c] = (float)s;                                                                                           \
            mask[c] = 1;                                                                                                    \
            inside++;                                                                                                       \
          }                                                                                                                 \
        }                                                                                                                   \
        continue;                                                                                                           \
      }                                                                                                                     \
      /* Columns possibly inside the box; all others surely outside. */                                                    \
      uint64_t box = columns_within(nx, ny, nz, i, j, k, di, dj, dk, columns, -0.5 - MARGIN, 0.5 + MARGIN);                  \
      int32_t b0 = span_first(box), b1 = span_last(box);                                                                    \
      if (b0 > b1) {                                                                                                        \
        fill_outside(pixels, mask, 0, columns, background);                                                                 \
        continue;                                                                                                           \
      }                                                                                                                     \
      fill_outside(pixels, mask, 0, b0, background);                                                                        \
      fill_outside(pixels, mask, b1 + 1, columns, background);                                                              \
      /* Columns surely in the interior, where no clamping or test is needed. */                                           \
      uint64_t core = aligned ? interior_columns_ts(nx, ny, nz, i, j, k, di, dj, dk, columns)                               \
                              : columns_within(nx, ny, nz, i, j, k, di, dj, dk, columns, MARGIN, -MARGIN);                   \
      int32_t c0 = span_first(core), c1 = span_last(core);                                                                  \
      if (c0 > c1) c0 = c1 = b1 + 1;                                                                                        \
      else {                                                                                                                \
        c1++;                                                                                                               \
        if (aligned) linear_row_aligned_##SUFFIX(v, nx, ny, nz, i + c0 * di, j + c0 * dj, k + c0 * dk, di, dj, dk, c1 - c0, pixels + c0); \
        else                                                                                                                \
          for (int32_t c = c0; c < c1; c += RUN_BLOCK)                                                                      \
            linear_run_##SUFFIX(v, nx, nxy, i + c * di, j + c * dj, k + c * dk, di, dj, dk, imin(RUN_BLOCK, c1 - c), pixels + c);        \
        __builtin_memset(mask + c0, 1, c1 - c0);                                                                            \
        inside += c1 - c0;                                                                                                  \
      }                                                                                                                     \
      /* The band between: the checked sampler. */                                                                         \
      for (int32_t c = b0; c <= b1; c++) {                                                                                  \
        if (c == c0) {                                                                                                      \
          c = c1 - 1;                                                                                                       \
          continue;                                                                                                         \
        }                                                                                                                   \
        double s = sample_linear_##SUFFIX(v, nx, ny, nz, i + c * di, j + c * dj, k + c * dk);                               \
        if (s != s) {                                                                                                       \
          pixels[c] = background;                                                                                           \
          mask[c] = 0;                                                                                                      \
        } else {                                                                                                            \
          pixels[c] = (float)s;                                                                                             \
          mask[c] = 1;                                                                                                      \
          inside++;                                                                                                         \
        }                                                                                                                   \
      }                                                                                                                     \
    }                                                                                                                       \
    return inside;                                                                                                          \
  }

DEFINE_RESLICE(int16_t, i16)
DEFINE_RESLICE(float, f32)

/*
 * Copies n float32 voxels to int16 if every one is an integer in int16 range (the usual
 * CT after rescale): returns 1, or 0 at the first voxel that is not, which leaves the
 * volume to be kept as float32. A value survives iff widening its saturated int16
 * back to float32 gives it again, which also rejects NaN.
 */
__attribute__((export_name("narrow_to_i16"))) int32_t narrow_to_i16(const float *src, int16_t *dst, int32_t n) {
  int32_t c = 0;
  for (; c + 8 <= n; c += 8) {
    v128_t x0 = wasm_v128_load(src + c), x1 = wasm_v128_load(src + c + 4);
    v128_t narrow = wasm_i16x8_narrow_i32x4(wasm_i32x4_trunc_sat_f32x4(x0), wasm_i32x4_trunc_sat_f32x4(x1));
    v128_t same0 = wasm_f32x4_eq(wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(narrow)), x0);
    v128_t same1 = wasm_f32x4_eq(wasm_f32x4_convert_i32x4(wasm_i32x4_extend_high_i16x8(narrow)), x1);
    if (!wasm_i32x4_all_true(wasm_v128_and(same0, same1))) return 0;
    wasm_v128_store(dst + c, narrow);
  }
  for (; c < n; c++) {
    float x = src[c];
    if (!(x >= -32768.0f && x <= 32767.0f) || (float)(int32_t)x != x) return 0;
    dst[c] = (int16_t)(int32_t)x;
  }
  return 1;
}
