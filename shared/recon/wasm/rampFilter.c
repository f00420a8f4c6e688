/*
 * rampFilter.ts's rampFilterRows (the ramp convolution of FDK's projection filter),
 * compiled to WebAssembly (wasm32 + simd128) by build/buildWasm.mjs for the filtering
 * workers. The TypeScript function stays the reference and the fallback.
 *
 * The same convolution: each row extended by its cos²-faded edge values (truncation
 * correction), zero-padded to `length` (a power of two), transformed, multiplied by the
 * real response and transformed back. Eight rows go through one pass: four complex
 * signals in float32x4 lanes, each carrying two real rows (the response is real and even,
 * so their real and imaginary parts never mix). Radix-2 decimation in frequency leaves the
 * spectrum in bit-reversed order, where the response is laid out to meet it, and
 * decimation in time brings it back, so nothing is reordered. Float32 arithmetic differs
 * from the float64 reference by ~1e-6 of the row's scale, below the float32 the filtered
 * views are stored in. Nothing here uses the C stack (see backproject.c).
 */
#include <stdint.h>
#include <wasm_simd128.h>

/* One complex sample of four signals: real parts in re, imaginary parts in im. */
#define RE(x, n) (x)[2 * (n)]
#define IM(x, n) (x)[2 * (n) + 1]

/* Forward DFT (e^-i), natural order in, bit-reversed out; `twiddles` holds cos, sin of 2πk/length for k < length/2. */
static void forward_to_bit_reversed(v128_t *x, int32_t length, const float *twiddles) {
  for (int32_t half = length / 2, stride = 1; half >= 1; half /= 2, stride *= 2) {
    for (int32_t start = 0; start < length; start += 2 * half) {
      for (int32_t k = 0; k < half; k++) {
        const v128_t c = wasm_f32x4_splat(twiddles[2 * k * stride]), s = wasm_f32x4_splat(twiddles[2 * k * stride + 1]);
        const int32_t p = start + k, q = p + half;
        v128_t ar = RE(x, p), ai = IM(x, p), br = RE(x, q), bi = IM(x, q);
        RE(x, p) = wasm_f32x4_add(ar, br);
        IM(x, p) = wasm_f32x4_add(ai, bi);
        v128_t dr = wasm_f32x4_sub(ar, br), di = wasm_f32x4_sub(ai, bi);
        /* (dr + i·di)·(c − i·s) */
        RE(x, q) = wasm_f32x4_add(wasm_f32x4_mul(dr, c), wasm_f32x4_mul(di, s));
        IM(x, q) = wasm_f32x4_sub(wasm_f32x4_mul(di, c), wasm_f32x4_mul(dr, s));
      }
    }
  }
}

/* Inverse DFT (e^+i) without the 1/length, bit-reversed order in, natural out. */
static void inverse_from_bit_reversed(v128_t *x, int32_t length, const float *twiddles) {
  for (int32_t half = 1, stride = length / 2; half < length; half *= 2, stride /= 2) {
    for (int32_t start = 0; start < length; start += 2 * half) {
      for (int32_t k = 0; k < half; k++) {
        const v128_t c = wasm_f32x4_splat(twiddles[2 * k * stride]), s = wasm_f32x4_splat(twiddles[2 * k * stride + 1]);
        const int32_t p = start + k, q = p + half;
        v128_t br = RE(x, q), bi = IM(x, q);
        /* (br + i·bi)·(c + i·s) */
        v128_t tr = wasm_f32x4_sub(wasm_f32x4_mul(br, c), wasm_f32x4_mul(bi, s));
        v128_t ti = wasm_f32x4_add(wasm_f32x4_mul(br, s), wasm_f32x4_mul(bi, c));
        v128_t ar = RE(x, p), ai = IM(x, p);
        RE(x, p) = wasm_f32x4_add(ar, tr);
        IM(x, p) = wasm_f32x4_add(ai, ti);
        RE(x, q) = wasm_f32x4_sub(ar, tr);
        IM(x, q) = wasm_f32x4_sub(ai, ti);
      }
    }
  }
}

/* Row r of the view, or the zero row past its last. */
#define ROW_IN(r) ((r) < rows ? data + (r) * columns : zeros)
/* Where row r's result goes: the view, or a scratch row past its last. */
#define ROW_OUT(r) ((r) < rows ? data + (r) * columns : sink)

/*
 * Filters `rows` rows of `columns` samples in `data`, in place. `response`: the ramp's
 * response at bin bitReversed(p) in place p, with the inverse's 1/length folded in;
 * `fade`: the taper's taper + 1 weights; `zeros`, `sink`: scratch rows of `columns`
 * (zeros read-only); `work`: 2 · length vectors.
 */
__attribute__((export_name("ramp_filter_rows"))) void ramp_filter_rows(float *data, int32_t columns, int32_t rows, int32_t length, int32_t taper,
                                                                      const float *response, const float *twiddles, const float *fade,
                                                                      const float *zeros, float *sink, v128_t *work) {
  for (int32_t r0 = 0; r0 < rows; r0 += 8) {
    const float *i0 = ROW_IN(r0), *i1 = ROW_IN(r0 + 1), *i2 = ROW_IN(r0 + 2), *i3 = ROW_IN(r0 + 3);
    const float *i4 = ROW_IN(r0 + 4), *i5 = ROW_IN(r0 + 5), *i6 = ROW_IN(r0 + 6), *i7 = ROW_IN(r0 + 7);
    for (int32_t n = 0; n < columns; n++) {
      RE(work, n) = wasm_f32x4_make(i0[n], i1[n], i2[n], i3[n]);
      IM(work, n) = wasm_f32x4_make(i4[n], i5[n], i6[n], i7[n]);
    }
    /* The edge values faded out on both sides; the left extension wraps to the end. */
    const v128_t leftRe = RE(work, 0), leftIm = IM(work, 0), rightRe = RE(work, columns - 1), rightIm = IM(work, columns - 1);
    for (int32_t k = 1; k <= taper; k++) {
      const v128_t f = wasm_f32x4_splat(fade[k]);
      RE(work, length - k) = wasm_f32x4_mul(leftRe, f);
      IM(work, length - k) = wasm_f32x4_mul(leftIm, f);
      RE(work, columns - 1 + k) = wasm_f32x4_mul(rightRe, f);
      IM(work, columns - 1 + k) = wasm_f32x4_mul(rightIm, f);
    }
    for (int32_t n = columns + taper; n < length - taper; n++) RE(work, n) = IM(work, n) = wasm_f32x4_splat(0);
    forward_to_bit_reversed(work, length, twiddles);
    for (int32_t p = 0; p < length; p++) {
      const v128_t h = wasm_f32x4_splat(response[p]);
      RE(work, p) = wasm_f32x4_mul(RE(work, p), h);
      IM(work, p) = wasm_f32x4_mul(IM(work, p), h);
    }
    inverse_from_bit_reversed(work, length, twiddles);
    float *o0 = ROW_OUT(r0), *o1 = ROW_OUT(r0 + 1), *o2 = ROW_OUT(r0 + 2), *o3 = ROW_OUT(r0 + 3);
    float *o4 = ROW_OUT(r0 + 4), *o5 = ROW_OUT(r0 + 5), *o6 = ROW_OUT(r0 + 6), *o7 = ROW_OUT(r0 + 7);
    for (int32_t n = 0; n < columns; n++) {
      const v128_t re = RE(work, n), im = IM(work, n);
      o0[n] = wasm_f32x4_extract_lane(re, 0);
      o1[n] = wasm_f32x4_extract_lane(re, 1);
      o2[n] = wasm_f32x4_extract_lane(re, 2);
      o3[n] = wasm_f32x4_extract_lane(re, 3);
      o4[n] = wasm_f32x4_extract_lane(im, 0);
      o5[n] = wasm_f32x4_extract_lane(im, 1);
      o6[n] = wasm_f32x4_extract_lane(im, 2);
      o7[n] = wasm_f32x4_extract_lane(im, 3);
    }
  }
}
