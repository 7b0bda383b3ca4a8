//! Scenario kernels: every holder's value in every scenario, and tail statistics.
//!
//! Generic maths: *items* carry per-scenario value changes, *holders* are weightings of items.
//! All matrices are row-major `f64` slices owned by the caller, read and written in place:
//!
//! - `holder_weights` K × N, `out` K × S (`out[k*S + s]`)
//! - dense: `scenario_values` S × N; `v[k,s] = Σ_n h[k,n]·(base[n] + R[s,n])`
//! - structured: `shocks` S × B and an exposure E (N × B, dense or CSR rows per item) with an
//!   optional diagonal second-order G; `v[k,s] = base_k + Σ_b x[s,b]·(A[k,b] + ½Q[k,b]·x[s,b])`
//!   with A = H·E and Q = H·G aggregated first.
//!
//! Work is split across threads by scenario (dense, structured) or holder (aggregation, tail
//! statistics) so every output is computed by exactly one thread in a fixed order: the results
//! do not depend on the thread count.

pub mod dense;
pub mod structured;
pub mod tail;
mod threads;

pub use dense::{evaluate_dense, DenseProblem, DENSE_ITEM_BLOCK};
pub use structured::{evaluate_structured, Exposure, StructuredProblem};
pub use tail::{evaluate_tail, tail_size, Tail, TailStats};
pub use threads::{first_non_finite, thread_count};

/// A slice whose length or content does not fit the declared sizes; `field` is the caller's name.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub field: String,
    pub message: String,
}

impl InputError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        InputError { field: field.into(), message: message.into() }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for InputError {}

pub(crate) fn check_len(field: &str, len: usize, expected: Option<usize>, shape: &str) -> Result<(), InputError> {
    match expected {
        Some(e) if e == len => Ok(()),
        Some(e) => Err(InputError::new(field, format!("length {len} ≠ {shape} = {e}"))),
        None => Err(InputError::new(field, format!("{shape} overflows"))),
    }
}

pub(crate) fn check_count(field: &str, v: usize) -> Result<(), InputError> {
    if v == 0 {
        Err(InputError::new(field, "must be ≥ 1"))
    } else {
        Ok(())
    }
}

/// Σ_n h[k,n]·base[n] per holder, items in order (zeros without a base).
pub(crate) fn holder_base(h: &[f64], holders: usize, items: usize, base: Option<&[f64]>) -> Vec<f64> {
    let mut out = vec![0.0; holders];
    if let Some(base) = base {
        for (k, o) in out.iter_mut().enumerate() {
            let row = &h[k * items..(k + 1) * items];
            let mut acc = 0.0;
            for n in 0..items {
                acc += row[n] * base[n];
            }
            *o = acc;
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod testdata {
    /// splitmix64 → uniform and normal numbers for tests (no crates).
    pub struct Rng(u64);
    impl Rng {
        pub fn new(seed: u64) -> Self {
            Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
        }
        pub fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        pub fn uniform(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }
        pub fn normal(&mut self) -> f64 {
            let u1 = 1.0 - self.uniform();
            let u2 = self.uniform();
            (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
        }
        pub fn vec(&mut self, len: usize, scale: f64, zero_share: f64) -> Vec<f64> {
            (0..len).map(|_| if self.uniform() < zero_share { 0.0 } else { scale * self.normal() }).collect()
        }
    }

    pub fn max_abs(a: &[f64]) -> f64 {
        a.iter().fold(0.0f64, |m, x| m.max(x.abs()))
    }

    pub fn assert_close(actual: &[f64], expected: &[f64], rel: f64) {
        assert_eq!(actual.len(), expected.len());
        let scale = max_abs(expected).max(1e-300);
        let worst = actual.iter().zip(expected).fold(0.0f64, |m, (a, e)| m.max((a - e).abs()));
        assert!(worst <= rel * scale, "max abs error {worst:e} > {rel:e} × scale {scale:e}");
    }
}
