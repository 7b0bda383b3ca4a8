//! Test data shared by the crate's unit tests and its integration tests (`tests/`), which
//! cannot see `#[cfg(test)]` items. Not part of the API.

use crate::csc::Csc;
use crate::problem::Problem;

/// A xorshift64 stream (Marsaglia's 13/7/17): deterministic test data without a crate.
pub fn xorshift64(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// min ½xᵀ(I + 11ᵀ)x + qᵀx, −1 ≤ x ≤ 1 (A = I). With |q| large every bound is active, and
/// flipping q's signs swaps every active side: a hard case for warm starts.
pub fn box_qp(q: &[f64]) -> Problem {
    let n = q.len();
    let mut p = Csc::zeros(n, n);
    p.colptr.clear();
    p.colptr.push(0);
    for j in 0..n {
        for i in 0..=j {
            p.rowidx.push(i);
            p.values.push(if i == j { 2.0 } else { 1.0 });
        }
        p.colptr.push(p.rowidx.len());
    }
    let a = Csc { nrows: n, ncols: n, colptr: (0..=n).collect(), rowidx: (0..n).collect(), values: vec![1.0; n] };
    Problem::new(p, q.to_vec(), a, vec![-1.0; n], vec![1.0; n]).expect("box_qp is well formed")
}
