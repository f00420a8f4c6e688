/*
 * The FDK backprojection of fdk.ts (backprojectView), compiled to WebAssembly (wasm32 +
 * simd128) by build/buildWasm.mjs for the reconstruction workers. The TypeScript kernel
 * stays the reference and the fallback.
 *
 * Along a voxel row (fixed j, k) the homogeneous projection (column·w, row·w, w) is affine
 * in i, so each view's visible span of the row is found analytically, in float64 and by
 * the very operations of fdk.ts's visibleSpan (the same voxels get a contribution), and
 * the span is swept four voxels at a time in float32x4 lanes without a bounds test:
 * reciprocal depth, detector position, bilinear taps (two 64-bit loads per lane: wasm has
 * no gather), FDK weight (SOD/w)², accumulate; the last one to three voxels of a span use
 * the same lanes. Float32 positions differ from the float64 ones of fdk.ts by ~1e-5 pixel
 * at 400 columns, far below any image meaning; the taps are clamped to each view's copied
 * band of rows, so rounding can never read outside it.
 *
 * Views are looped inside rows, so one output row stays in L1 while the call's views add
 * into it. Measured on the benchmark shape, the order hardly matters (views outside the
 * chunk's rows is within 3%): the kernel is bound by arithmetic and the taps' loads, not
 * by the cache (per-row tables for views turning about the k axis, with no division per
 * voxel, measured no faster for that reason). The axial kernel further down removes the
 * per-lane loads instead, for such views. Nothing here uses the C stack: the helpers that
 * take pointers are inlined (build/buildWasm.mjs checks), as the memory's stack area is
 * never set up.
 */
#include <stdint.h>
#include <wasm_simd128.h>

/*
 * Per view, VIEW_PARAMS doubles: the voxel-to-detector matrix q (12, row-major, see
 * fdk.ts voxelToDetector), SOD, then the band of detector rows [firstRow, endRow) copied
 * into the memory and the byte address of its first row: only those rows are read.
 */
#define VIEW_PARAMS 16
#define P_SOD 12
#define P_FIRST_ROW 13
#define P_END_ROW 14
#define P_BAND_AT 15

static inline double dmax(double a, double b) { return a > b ? a : b; }
static inline double dmin(double a, double b) { return a < b ? a : b; }

/* Spans [first, last] are packed in one int64 and returned by value (out-parameters would use the stack). */
#define PACK_SPAN(first, last) ((uint64_t)(uint32_t)(int32_t)(first) | ((uint64_t)(uint32_t)(int32_t)(last) << 32))
static inline int32_t span_first(uint64_t s) { return (int32_t)(uint32_t)s; }
static inline int32_t span_last(uint64_t s) { return (int32_t)(uint32_t)(s >> 32); }

/* fdk.ts constrain(): α + β·i ≥ 0 on [first, last]. */
static inline void constrain(double alpha, double beta, double *first, double *last) {
  if (beta > 0) *first = dmax(*first, __builtin_ceil(-alpha / beta));
  else if (beta < 0) *last = dmin(*last, __builtin_floor(-alpha / beta));
  else if (alpha < 0) *last = -1;
}

/* fdk.ts visibleSpan(): voxels of row (j, k) projecting within the pixel centres, in front of the source. */
static inline uint64_t visible_span(const double *q, double a0, double b0, double w0, int32_t nx, int32_t columns, int32_t rows) {
  double first = 0, last = nx - 1;
  constrain(w0 - 1e-6, q[8], &first, &last);
  constrain(a0, q[0], &first, &last);
  constrain((columns - 1) * w0 - a0, (columns - 1) * q[8] - q[0], &first, &last);
  constrain(b0, q[4], &first, &last);
  constrain((rows - 1) * w0 - b0, (rows - 1) * q[8] - q[4], &first, &last);
  return first <= last ? PACK_SPAN(first, last) : PACK_SPAN(0, -1);
}

/* Everything about one view that the lanes need, constant along a row's span. */
struct view_lanes {
  const float *band;
  v128_t a, b, w, sa, sb, sw, sod, firstRow, lastRow, lastColumn, columns;
};

/*
 * The contributions of the four voxels at offsets t (float32 lanes) from the span's first.
 * The taps' integer part comes from rounding (x - 0.5) with the 1.5 · 2^23 trick (cheaper
 * in V8 than a saturating truncation, and it cannot trap): it may be floor(x) - 1 when x is
 * an integer, where the bilinear blend with fraction 1 gives the same value. Clamping to
 * the band keeps every load inside it whatever the rounding.
 */
static inline v128_t contributions(const struct view_lanes *L, v128_t t) {
  const v128_t HALF = wasm_f32x4_splat(0.5f), MAGIC = wasm_f32x4_splat(12582912.0f);
  v128_t inverseW = wasm_f32x4_div(wasm_f32x4_splat(1), wasm_f32x4_add(L->w, wasm_f32x4_mul(L->sw, t)));
  v128_t c = wasm_f32x4_mul(wasm_f32x4_add(L->a, wasm_f32x4_mul(L->sa, t)), inverseW);
  v128_t r = wasm_f32x4_mul(wasm_f32x4_add(L->b, wasm_f32x4_mul(L->sb, t)), inverseW);
  v128_t c0 = wasm_i32x4_sub(wasm_f32x4_add(wasm_f32x4_sub(c, HALF), MAGIC), MAGIC);
  v128_t r0 = wasm_i32x4_sub(wasm_f32x4_add(wasm_f32x4_sub(r, HALF), MAGIC), MAGIC);
  c0 = wasm_i32x4_min(wasm_i32x4_max(c0, wasm_i32x4_splat(0)), L->lastColumn);
  r0 = wasm_i32x4_min(wasm_i32x4_max(r0, L->firstRow), L->lastRow);
  v128_t fc = wasm_f32x4_sub(c, wasm_f32x4_convert_i32x4(c0));
  v128_t fr = wasm_f32x4_sub(r, wasm_f32x4_convert_i32x4(r0));
  v128_t at = wasm_i32x4_add(wasm_i32x4_mul(wasm_i32x4_sub(r0, L->firstRow), L->columns), c0);
  const float *band = L->band;
  const float *p0 = band + wasm_i32x4_extract_lane(at, 0), *p1 = band + wasm_i32x4_extract_lane(at, 1);
  const float *p2 = band + wasm_i32x4_extract_lane(at, 2), *p3 = band + wasm_i32x4_extract_lane(at, 3);
  int32_t below = wasm_i32x4_extract_lane(L->columns, 0);
  /* Each lane's two horizontal neighbours in one 64-bit load, then left and right split apart. */
#define BLEND_ROW(off)                                                                                                   \
  ({                                                                                                                     \
    v128_t lo_ = wasm_v128_load64_lane(p1 + (off), wasm_v128_load64_zero(p0 + (off)), 1);                                \
    v128_t hi_ = wasm_v128_load64_lane(p3 + (off), wasm_v128_load64_zero(p2 + (off)), 1);                                \
    v128_t l_ = wasm_i32x4_shuffle(lo_, hi_, 0, 2, 4, 6), r_ = wasm_i32x4_shuffle(lo_, hi_, 1, 3, 5, 7);                 \
    wasm_f32x4_add(l_, wasm_f32x4_mul(fc, wasm_f32x4_sub(r_, l_)));                                                      \
  })
  v128_t top = BLEND_ROW(0), bottom = BLEND_ROW(below);
#undef BLEND_ROW
  v128_t value = wasm_f32x4_add(top, wasm_f32x4_mul(fr, wasm_f32x4_sub(bottom, top)));
  v128_t weight = wasm_f32x4_mul(L->sod, inverseW);
  return wasm_f32x4_mul(value, wasm_f32x4_mul(weight, weight));
}

/*
 * The span of each voxel row (j, k) of the box jFirst <= j < jLast, kFirst <= k < kLast
 * that every view [0, viewCount) sees: the intersection of their visible spans, written
 * to spans[2n], spans[2n + 1] for row n = (k - kFirst) * (jLast - jFirst) + j - jFirst
 * ((0, -1) when empty, as fdk.ts fieldOfViewSpans). Over all the views of a run it is the
 * field of view; over a subset spread across the arc, a superset of it. Only the matrices
 * of `params` are read.
 */
__attribute__((export_name("common_spans"))) void common_spans(const double *params, int32_t viewCount, int32_t columns, int32_t rows, int32_t nx, int32_t jFirst,
                                                              int32_t jLast, int32_t kFirst, int32_t kLast, int32_t *spans) {
  for (int32_t k = kFirst; k < kLast; k++) {
    for (int32_t j = jFirst; j < jLast; j++) {
      int32_t low = 0, high = nx - 1;
      for (int32_t view = 0; view < viewCount && low <= high; view++) {
        const double *q = params + VIEW_PARAMS * view;
        uint64_t span = visible_span(q, q[1] * j + q[2] * k + q[3], q[5] * j + q[6] * k + q[7], q[9] * j + q[10] * k + q[11], nx, columns, rows);
        if (span_first(span) > low) low = span_first(span);
        if (span_last(span) < high) high = span_last(span);
      }
      int32_t *row = spans + 2 * ((k - kFirst) * (jLast - jFirst) + j - jFirst);
      row[0] = low <= high ? low : 0;
      row[1] = low <= high ? high : -1;
    }
  }
}

/*
 * Adds views [0, viewCount) into the box jFirst <= j < jLast, kFirst <= k < kLast of a
 * grid nx voxels wide (x fastest); row (j, k) goes to out + n * nx, n = (k - kFirst) *
 * (jLast - jFirst) + j - jFirst. `params` holds VIEW_PARAMS doubles per view (see above).
 * With `spans` (common_spans of a superset of these views over the box; 0 for none), each
 * view adds into its row's common span alone and no view's own span is computed: voxels
 * outside it, outside the field of view too, are left as they are.
 */
__attribute__((export_name("backproject_rows"))) void backproject_rows(const double *params, int32_t viewCount, int32_t columns, int32_t rows, int32_t nx,
                                                                      int32_t jFirst, int32_t jLast, int32_t kFirst, int32_t kLast, float *out,
                                                                      const int32_t *spans) {
  const v128_t LANES = wasm_f32x4_make(0, 1, 2, 3), FOUR = wasm_f32x4_splat(4);
  for (int32_t k = kFirst; k < kLast; k++) {
    for (int32_t j = jFirst; j < jLast; j++) {
      const int32_t n = (k - kFirst) * (jLast - jFirst) + j - jFirst;
      float *row = out + n * nx;
      const int32_t *common = spans ? spans + 2 * n : 0;
      if (common && common[0] > common[1]) continue;
      for (int32_t view = 0; view < viewCount; view++) {
        const double *q = params + VIEW_PARAMS * view;
        double a0 = q[1] * j + q[2] * k + q[3];
        double b0 = q[5] * j + q[6] * k + q[7];
        double w0 = q[9] * j + q[10] * k + q[11];
        uint64_t span = common ? PACK_SPAN(common[0], common[1]) : visible_span(q, a0, b0, w0, nx, columns, rows);
        int32_t first = span_first(span), last = span_last(span);
        if (first > last) continue;
        /* Homogeneous coordinates relative to the span's first voxel: smaller terms, less rounding. */
        const struct view_lanes L = {
            .band = (const float *)(uintptr_t)q[P_BAND_AT],
            .a = wasm_f32x4_splat((float)(a0 + q[0] * first)),
            .b = wasm_f32x4_splat((float)(b0 + q[4] * first)),
            .w = wasm_f32x4_splat((float)(w0 + q[8] * first)),
            .sa = wasm_f32x4_splat((float)q[0]),
            .sb = wasm_f32x4_splat((float)q[4]),
            .sw = wasm_f32x4_splat((float)q[8]),
            .sod = wasm_f32x4_splat((float)q[P_SOD]),
            .firstRow = wasm_i32x4_splat((int32_t)q[P_FIRST_ROW]),
            .lastRow = wasm_i32x4_splat((int32_t)q[P_END_ROW] - 2),
            .lastColumn = wasm_i32x4_splat(columns - 2),
            .columns = wasm_i32x4_splat(columns),
        };
        const int32_t count = last - first + 1;
        float *acc = row + first;
        v128_t t = LANES;
        int32_t n = 0;
        /* Two groups per iteration: measured ~10% faster in V8 than one. */
#pragma clang loop unroll_count(2)
        for (; n + 4 <= count; n += 4, t = wasm_f32x4_add(t, FOUR)) wasm_v128_store(acc + n, wasm_f32x4_add(wasm_v128_load(acc + n), contributions(&L, t)));
        /* The last one to three voxels: the same lanes, each voxel in all four. */
#pragma clang loop vectorize(disable) unroll(disable)
        for (; n < count; n++) acc[n] += wasm_f32x4_extract_lane(contributions(&L, wasm_f32x4_splat((float)n)), 0);
      }
    }
  }
}

/*
 * The axial kernel: views turning about the grid's k axis (no secondary angle, the common
 * spin), with the common view (commonViewOnly) alone. Their column and depth do not change
 * along k, so a voxel column (i, j) meets one pair of detector columns at one weight, and
 * its detector row advances by a constant ds per slice. The column's slices are swept four
 * at a time in float32x4 lanes along k: the accumulator holds each voxel column's slices
 * contiguously, and each view's band is stored transposed (detector column by column,
 * rows ascending with k), so four voxels' taps lie within eight consecutive floats of the
 * two detector columns when ds <= 2. Those eight are loaded, blended across the columns,
 * and each lane's pair of rows picked out by byte swizzles: no per-lane loads, which bound
 * the row kernel above. Measured on the benchmark shape (one thread, the whole grid), the
 * kernel runs 1.6-1.7 times as fast as the row kernel, 1.5 times with the copies around it.
 *
 * Per view, AXIAL_PARAMS doubles: the band-relative matrix (12, row-major: band column
 * c = (q0 i + q1 j + q3) / w, stored row s = (q4 i + q5 j + q6 k + q7) / w with q6 >= 0,
 * w = q8 i + q9 j + q11, i, j and k relative to the box; q2 = q10 = 0), SOD, the band's
 * byte address, its stride (floats per detector column) and its last column tap.
 */
#define AXIAL_PARAMS 16
#define A_SOD 12
#define A_BAND_AT 13
#define A_STRIDE 14
#define A_LAST_TAP 15
/* Zero rows stored before and after each band column's rows, so a tap rounded past either end reads 0 (weighted ~1e-5). */
#define GUARD_ROWS 1
/* Floats read past a tap's row: the eight-float window. */
#define WINDOW 8

/* Each lane's float at byte index idx (4m + 0..3) of the eight floats b0, b1; 0 beyond. */
static inline v128_t pick(v128_t b0, v128_t b1, v128_t idx) {
  return wasm_v128_or(wasm_i8x16_swizzle(b0, idx), wasm_i8x16_swizzle(b1, wasm_v128_xor(idx, wasm_i8x16_splat(16))));
}

/*
 * Voxel column (i, j) of the box gets slices [kLo, kHi] from each of views [0, viewCount)
 * (colSpans[2n], colSpans[2n + 1], n = j * nx + i; column_spans); slice k of column n is
 * acc[n * K + k]. K >= slices + 3: the last group of a column stores four lanes, masked.
 * Columns are swept in tiles of tile x tile, the views inside a tile, so each view's part
 * of its band that the tile reads stays in cache across the tile's columns.
 */
__attribute__((export_name("backproject_axial"))) void backproject_axial(const double *params, int32_t viewCount, int32_t nx, int32_t ny, int32_t K,
                                                                        float *acc, const int32_t *colSpans, int32_t tile) {
  const v128_t LANES = wasm_f32x4_make(0, 1, 2, 3), FOUR = wasm_f32x4_splat(4);
  /* fl + 2^21 (0 <= fl < 2^21, integer) has the bits of 2^21 plus 4·fl: the byte offset of row fl. */
  const v128_t TWO21 = wasm_f32x4_splat(2097152.0f);
  const int32_t TWO21_BITS = 0x4a000000;
  const v128_t BYTES = wasm_i8x16_make(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3), NEXT_ROW = wasm_i8x16_splat(4);
  for (int32_t j0 = 0; j0 < ny; j0 += tile) {
    const int32_t j1 = j0 + tile < ny ? j0 + tile : ny;
    for (int32_t i0 = 0; i0 < nx; i0 += tile) {
      const int32_t i1 = i0 + tile < nx ? i0 + tile : nx;
      for (int32_t view = 0; view < viewCount; view++) {
        const double *q = params + AXIAL_PARAMS * view;
        const float *band = (const float *)(uintptr_t)q[A_BAND_AT];
        const int32_t stride = (int32_t)q[A_STRIDE], lastTap = (int32_t)q[A_LAST_TAP];
        const double sod = q[A_SOD];
        for (int32_t j = j0; j < j1; j++) {
          for (int32_t i = i0; i < i1; i++) {
            const int32_t column = j * nx + i;
            const int32_t kLo = colSpans[2 * column], kHi = colSpans[2 * column + 1];
            if (kLo > kHi) continue;
            const double inverseW = 1.0 / (q[8] * i + q[9] * j + q[11]);
            const double c = (q[0] * i + q[1] * j + q[3]) * inverseW;
            const double s = (q[4] * i + q[5] * j + q[6] * kLo + q[7]) * inverseW;
            const double ds = q[6] * inverseW;
            /* Inside the common view c is within the band; the clamp only guards against rounding. */
            double cFloor = __builtin_floor(c);
            cFloor = cFloor < 0 ? 0 : (cFloor > lastTap ? lastTap : cFloor);
            const int32_t c0 = (int32_t)cFloor;
            const v128_t fc = wasm_f32x4_splat((float)(c - cFloor));
            const double weight = sod * inverseW;
            const v128_t weight2 = wasm_f32x4_splat((float)(weight * weight));
            const float *left = band + c0 * stride, *right = left + stride;
            float *out = acc + column * K + kLo;
            const int32_t count = kHi - kLo + 1;
            const v128_t s0 = wasm_f32x4_splat((float)s), step = wasm_f32x4_splat((float)ds), step4 = wasm_f32x4_mul(step, FOUR);
#define AXIAL_GROUP(value)                                                                                                     \
  v128_t floor_ = wasm_f32x4_floor(row);                                                                                       \
  v128_t bits_ = wasm_f32x4_add(floor_, TWO21);                                                                                \
  int32_t offset_ = wasm_i32x4_extract_lane(bits_, 0) - TWO21_BITS;                                                            \
  v128_t rel_ = wasm_i32x4_sub(bits_, wasm_i32x4_shuffle(bits_, bits_, 0, 0, 0, 0));                                           \
  v128_t idx_ = wasm_i8x16_add(wasm_i8x16_shuffle(rel_, rel_, 0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12), BYTES);    \
  const float *l_ = (const float *)((const char *)left + offset_), *r_ = (const float *)((const char *)right + offset_);      \
  v128_t l0_ = wasm_v128_load(l_), l1_ = wasm_v128_load(l_ + 4), r0_ = wasm_v128_load(r_), r1_ = wasm_v128_load(r_ + 4);     \
  v128_t b0_ = wasm_f32x4_add(l0_, wasm_f32x4_mul(fc, wasm_f32x4_sub(r0_, l0_)));                                              \
  v128_t b1_ = wasm_f32x4_add(l1_, wasm_f32x4_mul(fc, wasm_f32x4_sub(r1_, l1_)));                                              \
  v128_t top_ = pick(b0_, b1_, idx_), bottom_ = pick(b0_, b1_, wasm_i8x16_add(idx_, NEXT_ROW));                               \
  v128_t value = wasm_f32x4_mul(weight2, wasm_f32x4_add(top_, wasm_f32x4_mul(wasm_f32x4_sub(row, floor_), wasm_f32x4_sub(bottom_, top_))));
            /*
             * Rows by adding 4·ds group after group: an exact multiply-add per group, or a fresh
             * start every few groups, measured 12-15% slower in V8 (it spills the extra
             * constants). The adds' rounding grows by half an ulp of the row per group: ~1e-3
             * pixel at most after 40 groups, ~1e-4 typically.
             */
            v128_t row = wasm_f32x4_add(s0, wasm_f32x4_mul(step, LANES));
            int32_t n = 0;
            for (; n + 4 <= count; n += 4, row = wasm_f32x4_add(row, step4)) {
              AXIAL_GROUP(value)
              wasm_v128_store(out + n, wasm_f32x4_add(wasm_v128_load(out + n), value));
            }
            if (n < count) {
              /* The last one to three slices: the lanes past kHi add 0 (their taps, read inside the padded band, are dropped). */
              AXIAL_GROUP(value)
              value = wasm_v128_and(value, wasm_f32x4_lt(LANES, wasm_f32x4_splat((float)(count - n))));
              wasm_v128_store(out + n, wasm_f32x4_add(wasm_v128_load(out + n), value));
            }
#undef AXIAL_GROUP
          }
        }
      }
    }
  }
}

/*
 * The common view as k ranges per voxel column: from spans (common_spans over a box of ny
 * rows and `slices` slices, row n = k * ny + j), colSpans[2(j·nx + i)], [+ 1] = the first
 * and last k whose row span holds i ((0, -1) if none). Each view's visible set along a
 * column is an interval (its bounds are monotonic in k, as the spans' roundings are), so
 * the common one is too: the voxels are exactly the spans'.
 */
__attribute__((export_name("column_spans"))) void column_spans(const int32_t *spans, int32_t nx, int32_t ny, int32_t slices, int32_t *colSpans) {
  for (int32_t n = 0; n < nx * ny; n++) {
    colSpans[2 * n] = 0;
    colSpans[2 * n + 1] = -1;
  }
  for (int32_t k = 0; k < slices; k++) {
    for (int32_t j = 0; j < ny; j++) {
      const int32_t *span = spans + 2 * (k * ny + j);
      int32_t *column = colSpans + 2 * j * nx;
      for (int32_t i = span[0]; i <= span[1]; i++) {
        if (column[2 * i] > column[2 * i + 1]) column[2 * i] = k;
        column[2 * i + 1] = k;
      }
    }
  }
}

/*
 * Between slice-major rows and column-major accumulators: slices [0, slices) of `count`
 * voxel columns, slice s of column n at rows[s * count + n] and at acc[n * K + kOffset + s].
 * toColumns copies rows into acc, and back otherwise. Four by four in lanes.
 */
__attribute__((export_name("transpose_columns"))) void transpose_columns(float *rows, float *acc, int32_t count, int32_t slices, int32_t K, int32_t kOffset,
                                                                        int32_t toColumns) {
  int32_t s = 0;
  for (; s + 4 <= slices; s += 4) {
    float *r = rows + s * count, *a = acc + kOffset + s;
    int32_t n = 0;
    for (; n + 4 <= count; n += 4) {
      if (toColumns) {
        v128_t x0 = wasm_v128_load(r + n), x1 = wasm_v128_load(r + count + n), x2 = wasm_v128_load(r + 2 * count + n), x3 = wasm_v128_load(r + 3 * count + n);
        v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
        v128_t t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
        wasm_v128_store(a + n * K, wasm_i64x2_shuffle(t0, t1, 0, 2));
        wasm_v128_store(a + (n + 1) * K, wasm_i64x2_shuffle(t0, t1, 1, 3));
        wasm_v128_store(a + (n + 2) * K, wasm_i64x2_shuffle(t2, t3, 0, 2));
        wasm_v128_store(a + (n + 3) * K, wasm_i64x2_shuffle(t2, t3, 1, 3));
      } else {
        v128_t x0 = wasm_v128_load(a + n * K), x1 = wasm_v128_load(a + (n + 1) * K), x2 = wasm_v128_load(a + (n + 2) * K), x3 = wasm_v128_load(a + (n + 3) * K);
        v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
        v128_t t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
        wasm_v128_store(r + n, wasm_i64x2_shuffle(t0, t1, 0, 2));
        wasm_v128_store(r + count + n, wasm_i64x2_shuffle(t0, t1, 1, 3));
        wasm_v128_store(r + 2 * count + n, wasm_i64x2_shuffle(t2, t3, 0, 2));
        wasm_v128_store(r + 3 * count + n, wasm_i64x2_shuffle(t2, t3, 1, 3));
      }
    }
    for (; n < count; n++) {
      for (int32_t d = 0; d < 4; d++) {
        if (toColumns) a[n * K + d] = r[d * count + n];
        else r[d * count + n] = a[n * K + d];
      }
    }
  }
  for (; s < slices; s++) {
    for (int32_t n = 0; n < count; n++) {
      if (toColumns) acc[n * K + kOffset + s] = rows[s * count + n];
      else rows[s * count + n] = acc[n * K + kOffset + s];
    }
  }
}

/*
 * A view's band for backproject_axial: `rows` x `columns` floats at src, row after row
 * `srcStride` floats apart, stored column by column at dst: column c's rows at
 * dst + c * stride, after GUARD_ROWS zero rows, ascending (or, with `flip`, descending, so
 * that they ascend with k), then zeros up to `stride` (>= rows + 2·GUARD_ROWS + WINDOW).
 */
__attribute__((export_name("store_band"))) void store_band(const float *src, int32_t srcStride, int32_t rows, int32_t columns, float *dst, int32_t stride,
                                                          int32_t flip) {
  for (int32_t c = 0; c < columns; c++) {
    float *column = dst + c * stride;
    for (int32_t g = 0; g < GUARD_ROWS; g++) column[g] = 0;
    for (int32_t r = GUARD_ROWS + rows; r < stride; r++) column[r] = 0;
  }
  int32_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float *x = src + r * srcStride;
    /* Source rows r .. r + 3 go to four consecutive stored rows: from GUARD_ROWS + r up, or (flipped) down to it from the end. */
    const int32_t at = flip ? GUARD_ROWS + rows - 4 - r : GUARD_ROWS + r;
    int32_t c = 0;
    for (; c + 4 <= columns; c += 4) {
      v128_t x0 = wasm_v128_load(x + c), x1 = wasm_v128_load(x + srcStride + c), x2 = wasm_v128_load(x + 2 * srcStride + c), x3 = wasm_v128_load(x + 3 * srcStride + c);
      if (flip) {
        v128_t swap = x0;
        x0 = x3;
        x3 = swap;
        swap = x1;
        x1 = x2;
        x2 = swap;
      }
      v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
      v128_t t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
      wasm_v128_store(dst + c * stride + at, wasm_i64x2_shuffle(t0, t1, 0, 2));
      wasm_v128_store(dst + (c + 1) * stride + at, wasm_i64x2_shuffle(t0, t1, 1, 3));
      wasm_v128_store(dst + (c + 2) * stride + at, wasm_i64x2_shuffle(t2, t3, 0, 2));
      wasm_v128_store(dst + (c + 3) * stride + at, wasm_i64x2_shuffle(t2, t3, 1, 3));
    }
    for (; c < columns; c++) {
      for (int32_t d = 0; d < 4; d++) dst[c * stride + (flip ? GUARD_ROWS + rows - 1 - (r + d) : GUARD_ROWS + r + d)] = x[d * srcStride + c];
    }
  }
  for (; r < rows; r++) {
    for (int32_t c = 0; c < columns; c++) dst[c * stride + (flip ? GUARD_ROWS + rows - 1 - r : GUARD_ROWS + r)] = src[r * srcStride + c];
  }
}
