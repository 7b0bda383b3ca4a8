//! Dense path: out (K × S) = base + H · Rᵀ with R an explicit S × N scenario matrix.
//!
//! R (S × N, e.g. 10,000 × 15,000 = 1.2 GB) is the big operand and is streamed from memory
//! exactly once; H (K × N) is small. Loop nest per thread (a contiguous range of scenarios):
//!
//! ```text
//! for each item block of DENSE_ITEM_BLOCK items      (the K × block slice of H stays in L2)
//!   for each tile of MS scenarios                    (MS rows of R, read from memory once)
//!     for each tile of MK holders                    (R tile re-read from L1/L2)
//!       MS × MK × L accumulators over the block      (L lanes: one SIMD register per accumulator)
//!       out[k, s] += lane-reduced sum
//! ```
//! Three micro-kernel variants, picked at run time: AVX-512 and AVX2+FMA (std::arch intrinsics)
//! and portable Rust over fixed-size lane arrays left to LLVM's vectoriser. Each output's
//! arithmetic is fixed by (L, FMA) and the block size, not by the tile shape or thread count.

use crate::threads::{ranges, split_columns, thread_count};
use crate::{check_count, check_len, holder_base, InputError};
use std::thread;

/// Items per block: K × 1024 × 8 B = 200 kB of H at K = 25 stays in L2 while scenario rows pass.
pub const DENSE_ITEM_BLOCK: usize = 1024;

pub struct DenseProblem<'a> {
    pub items: usize,
    pub holders: usize,
    pub scenarios: usize,
    /// K × N
    pub holder_weights: &'a [f64],
    /// S × N
    pub scenario_values: &'a [f64],
    /// N (optional)
    pub item_base: Option<&'a [f64]>,
}

impl DenseProblem<'_> {
    /// Sizes only; finiteness is the caller's (see `first_non_finite`).
    pub fn check(&self, out_len: usize) -> Result<(), InputError> {
        check_count("items", self.items)?;
        check_count("holders", self.holders)?;
        check_count("scenarios", self.scenarios)?;
        check_len("holderWeights", self.holder_weights.len(), self.holders.checked_mul(self.items), "holders × items")?;
        check_len("scenarioValues", self.scenario_values.len(), self.scenarios.checked_mul(self.items), "scenarios × items")?;
        if let Some(b) = self.item_base {
            check_len("itemBase", b.len(), Some(self.items), "items")?;
        }
        check_len("out", out_len, self.holders.checked_mul(self.scenarios), "holders × scenarios")
    }
}

/// Which compiled variant of the micro-kernel runs on this CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    Avx512,
    Avx2Fma,
    Baseline,
}

impl Isa {
    pub fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma") {
                return Isa::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                return Isa::Avx2Fma;
            }
        }
        Isa::Baseline
    }

    pub fn name(self) -> &'static str {
        match self {
            Isa::Avx512 => "avx512",
            Isa::Avx2Fma => "avx2+fma",
            Isa::Baseline => "baseline",
        }
    }
}

/// out (K × S, row-major) = base + H · Rᵀ. Checks sizes; values are assumed finite.
pub fn evaluate_dense(p: &DenseProblem, out: &mut [f64], threads: Option<usize>) -> Result<(), InputError> {
    p.check(out.len())?;
    evaluate_dense_with(p, out, threads, Isa::detect());
    Ok(())
}

/// As `evaluate_dense` with a forced ISA variant (tests compare them); sizes must be checked.
pub fn evaluate_dense_with(p: &DenseProblem, out: &mut [f64], threads: Option<usize>, isa: Isa) {
    let (k, s, n) = (p.holders, p.scenarios, p.items);
    let hb = holder_base(p.holder_weights, k, n, p.item_base);
    let t = threads.unwrap_or_else(|| thread_count(k as f64 * s as f64 * n as f64)).max(1);
    let rs = ranges(s, t, 4);
    let pieces = split_columns(out, s, &rs);
    let run = |(s0, s1): (usize, usize), mut rows: Vec<&mut [f64]>| {
        for (row, &b) in rows.iter_mut().zip(&hb) {
            row.fill(b);
        }
        worker(isa, p, s0, s1, &mut rows);
    };
    if rs.len() == 1 {
        let (r, rows) = (rs[0], pieces.into_iter().next().unwrap_or_default());
        run(r, rows);
        return;
    }
    thread::scope(|sc| {
        for (r, rows) in rs.iter().copied().zip(pieces) {
            sc.spawn(move || run(r, rows));
        }
    });
}

fn worker(isa: Isa, p: &DenseProblem, s0: usize, s1: usize, rows: &mut [&mut [f64]]) {
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Isa::detect` saw these features, or a test forces a variant it checked.
        Isa::Avx512 => unsafe { worker_avx512(p, s0, s1, rows) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2Fma => unsafe { worker_avx2(p, s0, s1, rows) },
        _ => block_loop::<Portable<4, false>, 2, 4>(p, s0, s1, rows),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn worker_avx512(p: &DenseProblem, s0: usize, s1: usize, rows: &mut [&mut [f64]]) {
    // 4 × 5 tile: 20 zmm accumulators + 4 scenario vectors + 1 holder vector of 32 registers.
    block_loop::<x86::Avx512, 4, 5>(p, s0, s1, rows)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn worker_avx2(p: &DenseProblem, s0: usize, s1: usize, rows: &mut [&mut [f64]]) {
    // 2 × 4 tile: 8 ymm accumulators + 2 + 1 of 16 registers.
    block_loop::<x86::Avx2, 2, 4>(p, s0, s1, rows)
}

/// One micro-kernel: Σ over a block of r_i · h_j for an MS × MK tile, item n accumulated in
/// lane n mod L (FMA when available), lanes reduced pairwise (halving) at the end.
trait Micro {
    /// # Safety
    /// Every slice has length `nb`; the CPU has the implementation's target features.
    unsafe fn tile<const MS: usize, const MK: usize>(r: &[&[f64]; MS], h: &[&[f64]; MK], nb: usize) -> [[f64; MK]; MS];
}

/// Plain Rust over fixed-size lane arrays, left to LLVM's vectoriser.
struct Portable<const L: usize, const FMA: bool>;

impl<const L: usize, const FMA: bool> Micro for Portable<L, FMA> {
    #[inline(always)]
    unsafe fn tile<const MS: usize, const MK: usize>(r: &[&[f64]; MS], h: &[&[f64]; MK], nb: usize) -> [[f64; MK]; MS] {
        tile::<L, MS, MK, FMA>(r, h, nb)
    }
}

#[inline(always)]
fn block_loop<M: Micro, const MS: usize, const MK: usize>(
    p: &DenseProblem,
    s0: usize,
    s1: usize,
    rows: &mut [&mut [f64]],
) {
    let (n_items, n_hold) = (p.items, p.holders);
    let (h, r) = (p.holder_weights, p.scenario_values);
    let mut n0 = 0;
    while n0 < n_items {
        let nb = DENSE_ITEM_BLOCK.min(n_items - n0);
        let hrow = |k: usize| &h[k * n_items + n0..k * n_items + n0 + nb];
        let rrow = |s: usize| &r[s * n_items + n0..s * n_items + n0 + nb];
        let mut s = s0;
        while s + MS <= s1 {
            let rt: [&[f64]; MS] = std::array::from_fn(|i| rrow(s + i));
            let mut k = 0;
            while k + MK <= n_hold {
                let ht: [&[f64]; MK] = std::array::from_fn(|j| hrow(k + j));
                let acc = unsafe { M::tile::<MS, MK>(&rt, &ht, nb) };
                for j in 0..MK {
                    for i in 0..MS {
                        rows[k + j][s - s0 + i] += acc[i][j];
                    }
                }
                k += MK;
            }
            while k < n_hold {
                let acc = unsafe { M::tile::<MS, 1>(&rt, &[hrow(k)], nb) };
                for i in 0..MS {
                    rows[k][s - s0 + i] += acc[i][0];
                }
                k += 1;
            }
            s += MS;
        }
        while s < s1 {
            let rt = [rrow(s)];
            let mut k = 0;
            while k + MK <= n_hold {
                let ht: [&[f64]; MK] = std::array::from_fn(|j| hrow(k + j));
                let acc = unsafe { M::tile::<1, MK>(&rt, &ht, nb) };
                for j in 0..MK {
                    rows[k + j][s - s0] += acc[0][j];
                }
                k += MK;
            }
            while k < n_hold {
                rows[k][s - s0] += unsafe { M::tile::<1, 1>(&rt, &[hrow(k)], nb) }[0][0];
                k += 1;
            }
            s += 1;
        }
        n0 += nb;
    }
}

#[inline(always)]
fn madd<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    // Without the fma feature `mul_add` would call libm's software fma: far slower.
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// The portable micro-kernel (see `Micro`).
#[inline(always)]
fn tile<const L: usize, const MS: usize, const MK: usize, const FMA: bool>(
    r: &[&[f64]; MS],
    h: &[&[f64]; MK],
    nb: usize,
) -> [[f64; MK]; MS] {
    let mut acc = [[[0.0f64; L]; MK]; MS];
    let full = nb - nb % L;
    assert!(r.iter().chain(h.iter()).all(|x| x.len() == nb));
    let mut n = 0;
    while n < full {
        // SAFETY: n + L ≤ full ≤ nb = every slice's length (asserted above).
        let rv: [[f64; L]; MS] = std::array::from_fn(|i| unsafe { (r[i].as_ptr().add(n) as *const [f64; L]).read_unaligned() });
        for j in 0..MK {
            let hv = unsafe { (h[j].as_ptr().add(n) as *const [f64; L]).read_unaligned() };
            for i in 0..MS {
                for l in 0..L {
                    acc[i][j][l] = madd::<FMA>(hv[l], rv[i][l], acc[i][j][l]);
                }
            }
        }
        n += L;
    }
    for n in full..nb {
        let l = n - full;
        for j in 0..MK {
            for i in 0..MS {
                acc[i][j][l] = madd::<FMA>(h[j][n], r[i][n], acc[i][j][l]);
            }
        }
    }
    let mut out = [[0.0; MK]; MS];
    for i in 0..MS {
        for j in 0..MK {
            out[i][j] = reduce(acc[i][j]);
        }
    }
    out
}

/// Pairwise (halving) lane reduction: lanes l and l + w/2 first, as every variant does.
#[inline(always)]
fn reduce<const L: usize>(mut v: [f64; L]) -> f64 {
    let mut w = L;
    while w > 1 {
        w /= 2;
        for l in 0..w {
            v[l] += v[l + w];
        }
    }
    v[0]
}

/// Explicit SIMD for x86-64 (std::arch): the same arithmetic as `Portable<L, true>` (lane n mod L,
/// FMA, halving reduction), so each variant gives identical bits; written with intrinsics
/// because LLVM's SLP vectoriser leaves a 20-accumulator tile mostly scalar.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{reduce, Micro};
    use std::arch::x86_64::*;

    pub struct Avx512;
    pub struct Avx2;

    impl Micro for Avx512 {
        #[inline(always)]
        unsafe fn tile<const MS: usize, const MK: usize>(r: &[&[f64]; MS], h: &[&[f64]; MK], nb: usize) -> [[f64; MK]; MS] {
            tile512::<MS, MK>(r, h, nb)
        }
    }

    impl Micro for Avx2 {
        #[inline(always)]
        unsafe fn tile<const MS: usize, const MK: usize>(r: &[&[f64]; MS], h: &[&[f64]; MK], nb: usize) -> [[f64; MK]; MS] {
            tile256::<MS, MK>(r, h, nb)
        }
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn tile512<const MS: usize, const MK: usize>(r: &[&[f64]; MS], h: &[&[f64]; MK], nb: usize) -> [[f64; MK]; MS] {
        let mut acc = [[_mm512_setzero_pd(); MK]; MS];
        let mut rv = [_mm512_setzero_pd(); MS];
        let full = nb - nb % 8;
        let mut n = 0;
        while n < full {
            for i in 0..MS {
                rv[i] = _mm512_loadu_pd(r[i].as_ptr().add(n));
            }
            for j in 0..MK {
                let hv = _mm512_loadu_pd(h[j].as_ptr().add(n));
                for i in 0..MS {
                    acc[i][j] = _mm512_fmadd_pd(hv, rv[i], acc[i][j]);
                }
            }
            n += 8;
        }
        if full < nb {
            // The last nb − full items into lanes 0.., zeros elsewhere (fma(0, 0, a) = a).
            let m: __mmask8 = ((1u32 << (nb - full)) - 1) as __mmask8;
            for i in 0..MS {
                rv[i] = _mm512_maskz_loadu_pd(m, r[i].as_ptr().add(full));
            }
            for j in 0..MK {
                let hv = _mm512_maskz_loadu_pd(m, h[j].as_ptr().add(full));
                for i in 0..MS {
                    acc[i][j] = _mm512_fmadd_pd(hv, rv[i], acc[i][j]);
                }
            }
        }
        let mut out = [[0.0; MK]; MS];
        for i in 0..MS {
            for j in 0..MK {
                let mut v = [0.0f64; 8];
                _mm512_storeu_pd(v.as_mut_ptr(), acc[i][j]);
                out[i][j] = reduce(v);
            }
        }
        out
    }

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn tile256<const MS: usize, const MK: usize>(r: &[&[f64]; MS], h: &[&[f64]; MK], nb: usize) -> [[f64; MK]; MS] {
        let mut acc = [[_mm256_setzero_pd(); MK]; MS];
        let mut rv = [_mm256_setzero_pd(); MS];
        let full = nb - nb % 4;
        let mut n = 0;
        while n < full {
            for i in 0..MS {
                rv[i] = _mm256_loadu_pd(r[i].as_ptr().add(n));
            }
            for j in 0..MK {
                let hv = _mm256_loadu_pd(h[j].as_ptr().add(n));
                for i in 0..MS {
                    acc[i][j] = _mm256_fmadd_pd(hv, rv[i], acc[i][j]);
                }
            }
            n += 4;
        }
        let mut out = [[0.0; MK]; MS];
        for i in 0..MS {
            for j in 0..MK {
                let mut v = [0.0f64; 4];
                _mm256_storeu_pd(v.as_mut_ptr(), acc[i][j]);
                for n in full..nb {
                    v[n - full] = h[j][n].mul_add(r[i][n], v[n - full]);
                }
                out[i][j] = reduce(v);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{assert_close, Rng};

    fn naive(p: &DenseProblem) -> Vec<f64> {
        let (k, s, n) = (p.holders, p.scenarios, p.items);
        let mut out = vec![0.0; k * s];
        for kk in 0..k {
            for ss in 0..s {
                let mut acc = 0.0;
                for nn in 0..n {
                    let base = p.item_base.map_or(0.0, |b| b[nn]);
                    acc += p.holder_weights[kk * n + nn] * (base + p.scenario_values[ss * n + nn]);
                }
                out[kk * s + ss] = acc;
            }
        }
        out
    }

    fn supported(isa: Isa) -> bool {
        match Isa::detect() {
            Isa::Avx512 => true,
            Isa::Avx2Fma => isa != Isa::Avx512,
            Isa::Baseline => isa == Isa::Baseline,
        }
    }

    fn case_data(n: usize, k: usize, s: usize, seed: u64, with_base: bool) -> (Vec<f64>, Vec<f64>, Option<Vec<f64>>) {
        let mut rng = Rng::new(seed);
        let h = rng.vec(k * n, 1e6, 0.2);
        let r = rng.vec(s * n, 0.01, 0.0);
        let b = with_base.then(|| rng.vec(n, 1.0, 0.0));
        (h, r, b)
    }

    #[test]
    fn equals_naive_product_on_every_isa_and_thread_count() {
        let isas: Vec<Isa> = [Isa::Avx512, Isa::Avx2Fma, Isa::Baseline].into_iter().filter(|&i| supported(i)).collect();
        for &(n, k, s, base) in &[(1, 1, 1, false), (37, 5, 23, true), (2500, 7, 9, false), (3001, 26, 13, true), (8, 5, 4, false)] {
            let (h, r, b) = case_data(n, k, s, (n + k + s) as u64, base);
            let p = DenseProblem { items: n, holders: k, scenarios: s, holder_weights: &h, scenario_values: &r, item_base: b.as_deref() };
            let expected = naive(&p);
            for &isa in &isas {
                let mut first: Option<Vec<f64>> = None;
                for threads in [1, 2, 3] {
                    let mut out = vec![f64::NAN; k * s];
                    evaluate_dense_with(&p, &mut out, Some(threads), isa);
                    assert_close(&out, &expected, 1e-12);
                    // The thread count never changes a bit of the result.
                    match &first {
                        None => first = Some(out),
                        Some(f) => assert!(f.iter().zip(&out).all(|(a, b)| a.to_bits() == b.to_bits()), "{isa:?} threads {threads}"),
                    }
                }
            }
        }
    }

    #[test]
    fn random_shapes_hit_every_remainder() {
        // Sizes around the tile (4 × 5), lane (8) and block (1024) edges, on every variant.
        let mut rng = Rng::new(2024);
        let isas = [Isa::Avx512, Isa::Avx2Fma, Isa::Baseline];
        for case in 0..60 {
            let n = 1 + (rng.uniform() * 2200.0) as usize;
            let k = 1 + (rng.uniform() * 12.0) as usize;
            let s = 1 + (rng.uniform() * 19.0) as usize;
            let (h, r, b) = case_data(n, k, s, case, case % 3 == 0);
            let p = DenseProblem { items: n, holders: k, scenarios: s, holder_weights: &h, scenario_values: &r, item_base: b.as_deref() };
            let expected = naive(&p);
            for &isa in isas.iter().filter(|&&i| supported(i)) {
                let mut out = vec![f64::NAN; k * s];
                evaluate_dense_with(&p, &mut out, Some(1 + case as usize % 3), isa);
                assert_close(&out, &expected, 1e-12);
            }
        }
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn simd_tiles_give_the_portable_bits() {
        let mut rng = Rng::new(99);
        for nb in [1, 7, 8, 9, 64, 1021, 1024] {
            let r: Vec<Vec<f64>> = (0..4).map(|_| rng.vec(nb, 1.0, 0.0)).collect();
            let h: Vec<Vec<f64>> = (0..5).map(|_| rng.vec(nb, 1.0, 0.0)).collect();
            let rt: [&[f64]; 4] = std::array::from_fn(|i| &r[i][..]);
            let ht: [&[f64]; 5] = std::array::from_fn(|j| &h[j][..]);
            let bits = |t: [[f64; 5]; 4]| t.iter().flatten().map(|x| x.to_bits()).collect::<Vec<_>>();
            if Isa::detect() == Isa::Avx512 {
                let a = unsafe { <x86::Avx512 as Micro>::tile::<4, 5>(&rt, &ht, nb) };
                assert_eq!(bits(a), bits(tile::<8, 4, 5, true>(&rt, &ht, nb)), "avx512 nb {nb}");
            }
            if Isa::detect() != Isa::Baseline {
                let a = unsafe { <x86::Avx2 as Micro>::tile::<4, 5>(&rt, &ht, nb) };
                assert_eq!(bits(a), bits(tile::<4, 4, 5, true>(&rt, &ht, nb)), "avx2 nb {nb}");
            }
        }
    }

    #[test]
    fn rejects_wrong_sizes_by_field() {
        let h = vec![0.0; 6];
        let r = vec![0.0; 9];
        let p = DenseProblem { items: 3, holders: 2, scenarios: 3, holder_weights: &h, scenario_values: &r, item_base: None };
        let mut out = vec![0.0; 6];
        assert!(evaluate_dense(&p, &mut out, None).is_ok());
        assert_eq!(evaluate_dense(&p, &mut out[..5], None).unwrap_err().field, "out");
        let p2 = DenseProblem { scenario_values: &r[..8], ..p };
        assert_eq!(evaluate_dense(&p2, &mut out, None).unwrap_err().field, "scenarioValues");
        let p3 = DenseProblem { item_base: Some(&h[..2]), ..p };
        assert_eq!(evaluate_dense(&p3, &mut out, None).unwrap_err().field, "itemBase");
        let p4 = DenseProblem { items: 0, ..p };
        assert_eq!(evaluate_dense(&p4, &mut out, None).unwrap_err().field, "items");
        let p5 = DenseProblem { items: usize::MAX, ..p };
        assert_eq!(evaluate_dense(&p5, &mut out, None).unwrap_err().field, "holderWeights");
    }
}
