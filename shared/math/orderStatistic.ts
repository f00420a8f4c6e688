/**
 * The k-th smallest value (k = 0 is the minimum) of `values`, which it reorders: the
 * value a numeric sort would put at index k, found in linear expected time
 * (Hoare's selection with median-of-three pivots) rather than by sorting. NaN is not
 * ordered: callers leave it out.
 */
export function kthSmallest(values: Float64Array | Float32Array, k: number): number {
  if (!(k >= 0 && k < values.length) || !Number.isInteger(k)) throw new RangeError(`kthSmallest: k = ${k} outside 0 … ${values.length - 1}`);
  let low = 0;
  let high = values.length - 1;
  while (high > low) {
    const middle = (low + high) >>> 1;
    // Median of three as the pivot: sorted input (common in images) stays linear.
    if (values[middle]! < values[low]!) swap(values, middle, low);
    if (values[high]! < values[low]!) swap(values, high, low);
    if (values[high]! < values[middle]!) swap(values, high, middle);
    const pivot = values[middle]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) swap(values, i++, j--);
    }
    // Now values[low … j] ≤ pivot ≤ values[i … high], and values strictly between j and i equal the pivot.
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else return values[k]!;
  }
  return values[k]!;
}

function swap(values: Float64Array | Float32Array, a: number, b: number): void {
  const t = values[a]!;
  values[a] = values[b]!;
  values[b] = t;
}
