//! Structured path: scenarios as shocks to B buckets/factors. Holders are aggregated per bucket
//! first (A = H·E, Q = H·G, K × B), then expanded over scenarios:
//! `v[k,s] = base_k + Σ_b x[s,b]·(A[k,b] + ½Q[k,b]·x[s,b])`, factors in order. Cost
//! O(K·nnz(E) + K·S·B) instead of O(K·S·N). The arithmetic (order, no FMA) is the same as the
//! TypeScript fallback's, so both give identical bits.

use crate::threads::{ranges, split_columns, thread_count};
use crate::{check_count, check_len, holder_base, InputError};
use std::thread;

pub enum Exposure<'a> {
    /// N × B row-major first-order E and optional second-order G.
    Dense { first: &'a [f64], second: Option<&'a [f64]> },
    /// CSR rows per item: entries rowPtr[n]..rowPtr[n+1]; bucket indices in 0..B, repeats add up.
    Sparse { row_ptr: &'a [i32], bucket: &'a [i32], first: &'a [f64], second: Option<&'a [f64]> },
}

pub struct StructuredProblem<'a> {
    pub items: usize,
    pub holders: usize,
    pub scenarios: usize,
    pub factors: usize,
    pub holder_weights: &'a [f64],
    pub exposure: Exposure<'a>,
    /// S × B
    pub shocks: &'a [f64],
    pub item_base: Option<&'a [f64]>,
}

impl StructuredProblem<'_> {
    /// Sizes and the CSR structure (so no index can go out of bounds); finiteness is the caller's.
    pub fn check(&self, out_len: usize) -> Result<(), InputError> {
        let (n, k, s, b) = (self.items, self.holders, self.scenarios, self.factors);
        check_count("items", n)?;
        check_count("holders", k)?;
        check_count("scenarios", s)?;
        check_count("factors", b)?;
        check_len("holderWeights", self.holder_weights.len(), k.checked_mul(n), "holders × items")?;
        check_len("shocks", self.shocks.len(), s.checked_mul(b), "scenarios × factors")?;
        if let Some(x) = self.item_base {
            check_len("itemBase", x.len(), Some(n), "items")?;
        }
        match self.exposure {
            Exposure::Dense { first, second } => {
                check_len("exposure.first", first.len(), n.checked_mul(b), "items × factors")?;
                if let Some(g) = second {
                    check_len("exposure.second", g.len(), n.checked_mul(b), "items × factors")?;
                }
            }
            Exposure::Sparse { row_ptr, bucket, first, second } => {
                check_len("exposure.rowPtr", row_ptr.len(), n.checked_add(1), "items + 1")?;
                if row_ptr[0] != 0 {
                    return Err(InputError::new("exposure.rowPtr[0]", format!("must be 0 (got {})", row_ptr[0])));
                }
                for i in 0..n {
                    if row_ptr[i + 1] < row_ptr[i] {
                        return Err(InputError::new(
                            format!("exposure.rowPtr[{}]", i + 1),
                            format!("must be ≥ rowPtr[{i}] = {} (got {})", row_ptr[i], row_ptr[i + 1]),
                        ));
                    }
                }
                let nnz = row_ptr[n] as usize;
                check_len("exposure.bucket", bucket.len(), Some(nnz), "rowPtr[items]")?;
                if let Some(p) = bucket.iter().position(|&x| x < 0 || x as usize >= b) {
                    return Err(InputError::new(format!("exposure.bucket[{p}]"), format!("must be in 0..{} (got {})", b - 1, bucket[p])));
                }
                check_len("exposure.first", first.len(), Some(nnz), "rowPtr[items]")?;
                if let Some(g) = second {
                    check_len("exposure.second", g.len(), Some(nnz), "rowPtr[items]")?;
                }
            }
        }
        check_len("out", out_len, k.checked_mul(s), "holders × scenarios")
    }

    fn has_second(&self) -> bool {
        match self.exposure {
            Exposure::Dense { second, .. } | Exposure::Sparse { second, .. } => second.is_some(),
        }
    }
}

/// Aggregates A = H·E (and Q = H·G) for holders `k0..k1` into `a`, `q` (rows of B).
fn aggregate_rows(p: &StructuredProblem, k0: usize, k1: usize, a: &mut [f64], q: &mut [f64]) {
    let (n_items, b) = (p.items, p.factors);
    for k in k0..k1 {
        let hrow = &p.holder_weights[k * n_items..(k + 1) * n_items];
        let arow = &mut a[(k - k0) * b..(k - k0 + 1) * b];
        let mut qrow = if q.is_empty() { None } else { Some(&mut q[(k - k0) * b..(k - k0 + 1) * b]) };
        for (n, &h) in hrow.iter().enumerate() {
            if h == 0.0 {
                continue;
            }
            match p.exposure {
                Exposure::Dense { first, second } => {
                    let e = &first[n * b..(n + 1) * b];
                    for j in 0..b {
                        arow[j] += h * e[j];
                    }
                    if let (Some(g), Some(qr)) = (second, qrow.as_deref_mut()) {
                        let g = &g[n * b..(n + 1) * b];
                        for j in 0..b {
                            qr[j] += h * g[j];
                        }
                    }
                }
                Exposure::Sparse { row_ptr, bucket, first, second } => {
                    let (p0, p1) = (row_ptr[n] as usize, row_ptr[n + 1] as usize);
                    for i in p0..p1 {
                        arow[bucket[i] as usize] += h * first[i];
                    }
                    if let (Some(g), Some(qr)) = (second, qrow.as_deref_mut()) {
                        for i in p0..p1 {
                            qr[bucket[i] as usize] += h * g[i];
                        }
                    }
                }
            }
        }
    }
}

/// Holder aggregates (A, Q) as K × B row-major; Q is empty without a second-order term.
pub fn aggregate(p: &StructuredProblem, threads: Option<usize>) -> (Vec<f64>, Vec<f64>) {
    let (k, b) = (p.holders, p.factors);
    let nnz = match p.exposure {
        Exposure::Dense { .. } => p.items * b,
        Exposure::Sparse { row_ptr, .. } => row_ptr[p.items] as usize,
    };
    let mut a = vec![0.0; k * b];
    let mut q = if p.has_second() { vec![0.0; k * b] } else { Vec::new() };
    let t = threads.unwrap_or_else(|| thread_count(k as f64 * (nnz + p.items) as f64)).max(1);
    let rs = ranges(k, t, 1);
    if rs.len() == 1 {
        aggregate_rows(p, 0, k, &mut a, &mut q);
        return (a, q);
    }
    thread::scope(|sc| {
        let mut a_rest = a.as_mut_slice();
        let mut q_rest = q.as_mut_slice();
        for &(k0, k1) in &rs {
            let (a_part, a_tail) = a_rest.split_at_mut((k1 - k0) * b);
            let qn = if q_rest.is_empty() { 0 } else { (k1 - k0) * b };
            let (q_part, q_tail) = q_rest.split_at_mut(qn);
            a_rest = a_tail;
            q_rest = q_tail;
            sc.spawn(move || aggregate_rows(p, k0, k1, a_part, q_part));
        }
    });
    (a, q)
}

/// out (K × S) = every holder's value in every scenario. Checks sizes and CSR structure.
pub fn evaluate_structured(p: &StructuredProblem, out: &mut [f64], threads: Option<usize>) -> Result<(), InputError> {
    p.check(out.len())?;
    let (k, s, b) = (p.holders, p.scenarios, p.factors);
    let hb = holder_base(p.holder_weights, k, p.items, p.item_base);
    let (a, q) = aggregate(p, threads);
    let half_q: Vec<f64> = q.iter().map(|x| 0.5 * x).collect();
    let t = threads.unwrap_or_else(|| thread_count(k as f64 * s as f64 * b as f64)).max(1);
    let rs = ranges(s, t, 8);
    // Shocks transposed to B × S so the expansion runs over scenarios innermost: independent
    // outputs side by side (vectorised, no dependency chain through one accumulator), while
    // each output still adds its factors in order, exactly like the TS fallback.
    let mut xt = vec![0.0; s * b];
    for (si, row) in p.shocks.chunks_exact(b).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            xt[j * s + si] = v;
        }
    }
    // Chunks of 128 scenarios: the chunk's B shock rows (20 × 1 kB) and one output chunk stay
    // in L1 while every holder passes over them.
    const CHUNK: usize = 128;
    let expand = |(s0, s1): (usize, usize), mut rows: Vec<&mut [f64]>| {
        let mut c0 = s0;
        while c0 < s1 {
            let c1 = (c0 + CHUNK).min(s1);
            for (kk, row) in rows.iter_mut().enumerate() {
                let row = &mut row[c0 - s0..c1 - s0];
                row.fill(hb[kk]);
                for j in 0..b {
                    let a = a[kk * b + j];
                    let x = &xt[j * s + c0..j * s + c1];
                    if half_q.is_empty() {
                        for (o, &xv) in row.iter_mut().zip(x) {
                            *o += xv * a;
                        }
                    } else {
                        let hq = half_q[kk * b + j];
                        for (o, &xv) in row.iter_mut().zip(x) {
                            *o += xv * (a + hq * xv);
                        }
                    }
                }
            }
            c0 = c1;
        }
    };
    let pieces = split_columns(out, s, &rs);
    if rs.len() == 1 {
        expand(rs[0], pieces.into_iter().next().unwrap_or_default());
    } else {
        let expand = &expand;
        thread::scope(|sc| {
            for (r, rows) in rs.iter().copied().zip(pieces) {
                sc.spawn(move || expand(r, rows));
            }
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dense::{evaluate_dense, DenseProblem};
    use crate::testdata::{assert_close, Rng};

    /// Brute force: each item's value in each scenario written out, then summed per holder.
    fn naive(p: &StructuredProblem) -> Vec<f64> {
        let (n, k, s, b) = (p.items, p.holders, p.scenarios, p.factors);
        let entries = |i: usize| -> Vec<(usize, f64, f64)> {
            match p.exposure {
                Exposure::Dense { first, second } => (0..b).map(|j| (j, first[i * b + j], second.map_or(0.0, |g| g[i * b + j]))).collect(),
                Exposure::Sparse { row_ptr, bucket, first, second } => (row_ptr[i] as usize..row_ptr[i + 1] as usize)
                    .map(|e| (bucket[e] as usize, first[e], second.map_or(0.0, |g| g[e])))
                    .collect(),
            }
        };
        let mut value = vec![0.0; n * s];
        for i in 0..n {
            let es = entries(i);
            for ss in 0..s {
                let mut c = p.item_base.map_or(0.0, |x| x[i]);
                for &(j, f, g) in &es {
                    let x = p.shocks[ss * b + j];
                    c += f * x + 0.5 * g * x * x;
                }
                value[i * s + ss] = c;
            }
        }
        let mut out = vec![0.0; k * s];
        for kk in 0..k {
            for ss in 0..s {
                out[kk * s + ss] = (0..n).map(|i| p.holder_weights[kk * n + i] * value[i * s + ss]).sum();
            }
        }
        out
    }

    struct Case {
        n: usize,
        k: usize,
        s: usize,
        b: usize,
        h: Vec<f64>,
        x: Vec<f64>,
        base: Option<Vec<f64>>,
        row_ptr: Vec<i32>,
        bucket: Vec<i32>,
        first: Vec<f64>,
        second: Option<Vec<f64>>,
        dense: bool,
    }

    fn case(n: usize, k: usize, s: usize, b: usize, seed: u64, dense: bool, second: bool) -> Case {
        let mut rng = Rng::new(seed);
        let h = rng.vec(k * n, 1e6, 0.2);
        let x = rng.vec(s * b, 0.01, 0.0);
        let base = (seed % 2 == 1).then(|| rng.vec(n, 1.0, 0.0));
        let (mut row_ptr, mut bucket) = (vec![0i32], Vec::new());
        let nnz = if dense {
            n * b
        } else {
            for _ in 0..n {
                for _ in 0..(rng.uniform() * 3.0) as usize {
                    bucket.push((rng.uniform() * b as f64) as i32);
                }
                row_ptr.push(bucket.len() as i32);
            }
            bucket.len()
        };
        let first = rng.vec(nnz, 10.0, if dense { 0.5 } else { 0.0 });
        let second = second.then(|| rng.vec(nnz, 100.0, 0.0));
        Case { n, k, s, b, h, x, base, row_ptr, bucket, first, second, dense }
    }

    fn problem(c: &Case) -> StructuredProblem<'_> {
        let exposure = if c.dense {
            Exposure::Dense { first: &c.first, second: c.second.as_deref() }
        } else {
            Exposure::Sparse { row_ptr: &c.row_ptr, bucket: &c.bucket, first: &c.first, second: c.second.as_deref() }
        };
        StructuredProblem {
            items: c.n,
            holders: c.k,
            scenarios: c.s,
            factors: c.b,
            holder_weights: &c.h,
            exposure,
            shocks: &c.x,
            item_base: c.base.as_deref(),
        }
    }

    #[test]
    fn equals_brute_force_and_is_thread_count_independent() {
        for (seed, dense, second) in [(1, true, true), (2, true, false), (3, false, true), (4, false, false)] {
            let c = case(301, 6, 53, 7, seed, dense, second);
            let p = problem(&c);
            let expected = naive(&p);
            let mut ref_bits: Option<Vec<u64>> = None;
            for threads in [1, 2, 3] {
                let mut out = vec![f64::NAN; c.k * c.s];
                evaluate_structured(&p, &mut out, Some(threads)).unwrap();
                assert_close(&out, &expected, 1e-12);
                let bits: Vec<u64> = out.iter().map(|v| v.to_bits()).collect();
                match &ref_bits {
                    None => ref_bits = Some(bits),
                    Some(r) => assert_eq!(r, &bits),
                }
            }
        }
    }

    #[test]
    fn structured_equals_dense_on_its_own_scenarios() {
        let c = case(2000, 10, 40, 20, 7, false, true);
        let p = problem(&c);
        let mut r = vec![0.0; c.s * c.n];
        for ss in 0..c.s {
            for i in 0..c.n {
                let mut v = 0.0;
                for e in c.row_ptr[i] as usize..c.row_ptr[i + 1] as usize {
                    let x = c.x[ss * c.b + c.bucket[e] as usize];
                    v += x * (c.first[e] + 0.5 * c.second.as_ref().unwrap()[e] * x);
                }
                r[ss * c.n + i] = v;
            }
        }
        let dp = DenseProblem { items: c.n, holders: c.k, scenarios: c.s, holder_weights: &c.h, scenario_values: &r, item_base: c.base.as_deref() };
        let (mut a, mut b) = (vec![0.0; c.k * c.s], vec![0.0; c.k * c.s]);
        evaluate_structured(&p, &mut a, None).unwrap();
        evaluate_dense(&dp, &mut b, None).unwrap();
        assert_close(&a, &b, 1e-11);
    }

    #[test]
    fn rejects_bad_structure_by_field() {
        let c = case(10, 2, 3, 4, 3, false, false);
        let mut out = vec![0.0; 6];
        let mut bad = case(10, 2, 3, 4, 3, false, false);
        bad.row_ptr[5] = bad.row_ptr[4] - 1;
        assert_eq!(evaluate_structured(&problem(&bad), &mut out, None).unwrap_err().field, "exposure.rowPtr[5]");
        let mut bad = case(10, 2, 3, 4, 3, false, false);
        if !bad.bucket.is_empty() {
            bad.bucket[0] = 4;
            assert_eq!(evaluate_structured(&problem(&bad), &mut out, None).unwrap_err().field, "exposure.bucket[0]");
        }
        let mut bad = case(10, 2, 3, 4, 3, false, false);
        bad.row_ptr[10] += 1; // nnz no longer matches the bucket list
        assert_eq!(evaluate_structured(&problem(&bad), &mut out, None).unwrap_err().field, "exposure.bucket");
        let p = problem(&c);
        assert_eq!(evaluate_structured(&p, &mut out[..5], None).unwrap_err().field, "out");
        assert_eq!(evaluate_structured(&StructuredProblem { shocks: &c.x[..11], ..problem(&c) }, &mut out, None).unwrap_err().field, "shocks");
    }
}
