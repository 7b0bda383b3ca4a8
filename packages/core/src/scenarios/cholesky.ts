/**
 * Lower-triangular Cholesky factor L of a symmetric positive-definite matrix (row-major n × n),
 * A = L·Lᵀ. Throws a RangeError when A is not positive definite (the caller turns it into an
 * input error naming its field).
 */
export function cholesky(a: Float64Array | readonly number[], n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(sum > 0)) throw new RangeError(`matrix is not positive definite (pivot ${i} = ${sum})`);
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j]!;
      }
    }
  }
  return l;
}
