//! Modified Ruiz equilibration of the KKT matrix plus cost scaling (OSQP paper §5.1).
//!
//! The solver works on P̃ = c·D P D, q̃ = c·D q, Ã = E A D, l̃ = E l, ũ = E u. User-unit
//! quantities come back as x = D x̃, y = E ỹ / c, z = E⁻¹ z̃.
use crate::csc::{norm_inf, Csc};

/// Norms below this are treated as 1 (no scaling); above it, capped (OSQP's limits).
const MIN_SCALING: f64 = 1e-4;
const MAX_SCALING: f64 = 1e4;

#[derive(Debug, Clone)]
pub struct Scaling {
    pub d: Vec<f64>,
    pub dinv: Vec<f64>,
    pub e: Vec<f64>,
    pub einv: Vec<f64>,
    pub c: f64,
    pub cinv: f64,
}

fn limit(v: f64) -> f64 {
    if v < MIN_SCALING {
        1.0
    } else if v > MAX_SCALING {
        MAX_SCALING
    } else {
        v
    }
}

/// ‖column j‖∞ of the full symmetric matrix whose upper triangle is `p`.
fn sym_col_norms(p: &Csc, out: &mut [f64]) {
    out.iter_mut().for_each(|v| *v = 0.0);
    for j in 0..p.ncols {
        for k in p.colptr[j]..p.colptr[j + 1] {
            let i = p.rowidx[k];
            let a = p.values[k].abs();
            out[j] = out[j].max(a);
            out[i] = out[i].max(a);
        }
    }
}

fn scale_cols(m: &mut Csc, d: &[f64]) {
    for j in 0..m.ncols {
        for k in m.colptr[j]..m.colptr[j + 1] {
            m.values[k] *= d[j];
        }
    }
}

fn scale_rows(m: &mut Csc, d: &[f64]) {
    for k in 0..m.nnz() {
        m.values[k] *= d[m.rowidx[k]];
    }
}

impl Scaling {
    pub fn identity(n: usize, m: usize) -> Self {
        Scaling { d: vec![1.0; n], dinv: vec![1.0; n], e: vec![1.0; m], einv: vec![1.0; m], c: 1.0, cinv: 1.0 }
    }

    /// Scales `p`, `q`, `a` in place with `iterations` Ruiz passes and returns the factors
    /// (bounds are scaled separately with `scale_bounds`).
    pub fn ruiz(p: &mut Csc, q: &mut [f64], a: &mut Csc, iterations: u32) -> Self {
        let (n, m) = (p.ncols, a.nrows);
        let mut s = Scaling::identity(n, m);
        let mut d_tmp = vec![0.0f64; n];
        let mut e_tmp = vec![0.0f64; m];
        // ‖·‖∞ of A's columns and rows: of the input here, then of each pass's result, found in
        // the pass that scales A (A is read and written once per pass, not three times).
        let mut a_col = vec![0.0f64; n];
        let mut a_row = vec![0.0f64; m];
        if iterations > 0 {
            for j in 0..n {
                let mut c = 0.0f64;
                for k in a.colptr[j]..a.colptr[j + 1] {
                    let v = a.values[k].abs();
                    c = c.max(v);
                    let i = a.rowidx[k];
                    a_row[i] = a_row[i].max(v);
                }
                a_col[j] = c;
            }
        }
        for _ in 0..iterations {
            // Column norms of the KKT matrix [P Aᵀ; A 0]: x-columns see P and A, y-columns Aᵀ.
            sym_col_norms(p, &mut d_tmp);
            for (v, &c) in d_tmp.iter_mut().zip(&a_col) {
                *v = v.max(c);
            }
            e_tmp.copy_from_slice(&a_row);
            for v in d_tmp.iter_mut().chain(e_tmp.iter_mut()) {
                *v = 1.0 / limit(*v).sqrt();
            }
            scale_rows(p, &d_tmp);
            scale_cols(p, &d_tmp);
            // A ← diag(e) A diag(d), each entry (v·eᵢ)·dⱼ as row then column scaling gives it.
            a_row.iter_mut().for_each(|v| *v = 0.0);
            for j in 0..n {
                let dj = d_tmp[j];
                let mut c = 0.0f64;
                for k in a.colptr[j]..a.colptr[j + 1] {
                    let i = a.rowidx[k];
                    let v = a.values[k] * e_tmp[i] * dj;
                    a.values[k] = v;
                    let v = v.abs();
                    c = c.max(v);
                    a_row[i] = a_row[i].max(v);
                }
                a_col[j] = c;
            }
            for j in 0..n {
                q[j] *= d_tmp[j];
                s.d[j] *= d_tmp[j];
            }
            for i in 0..m {
                s.e[i] *= e_tmp[i];
            }
            // Cost scaling: bring the mean column norm of P, or ‖q‖∞, to about 1.
            sym_col_norms(p, &mut d_tmp);
            let mean = if n > 0 { d_tmp.iter().sum::<f64>() / n as f64 } else { 0.0 };
            let c_tmp = 1.0 / limit(mean.max(limit(norm_inf(q))));
            p.values.iter_mut().for_each(|v| *v *= c_tmp);
            q.iter_mut().for_each(|v| *v *= c_tmp);
            s.c *= c_tmp;
        }
        s.cinv = 1.0 / s.c;
        s.dinv = s.d.iter().map(|v| 1.0 / v).collect();
        s.einv = s.e.iter().map(|v| 1.0 / v).collect();
        s
    }

    /// Re-applies these factors to new user-unit values of the same pattern.
    pub fn scale_p(&self, p: &mut Csc) {
        for j in 0..p.ncols {
            for k in p.colptr[j]..p.colptr[j + 1] {
                p.values[k] *= self.c * self.d[p.rowidx[k]] * self.d[j];
            }
        }
    }
    pub fn scale_a(&self, a: &mut Csc) {
        for j in 0..a.ncols {
            for k in a.colptr[j]..a.colptr[j + 1] {
                a.values[k] *= self.e[a.rowidx[k]] * self.d[j];
            }
        }
    }
    pub fn scale_q(&self, q_user: &[f64], q: &mut [f64]) {
        for j in 0..q.len() {
            q[j] = self.c * self.d[j] * q_user[j];
        }
    }
    /// l̃ = E l, ũ = E u (infinities stay infinite).
    pub fn scale_bounds(&self, l_user: &[f64], u_user: &[f64], l: &mut [f64], u: &mut [f64]) {
        for i in 0..l.len() {
            l[i] = self.e[i] * l_user[i];
            u[i] = self.e[i] * u_user[i];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csc::CscRef;

    #[test]
    fn equilibrates_badly_scaled_kkt_and_keeps_inverses() {
        let p = Csc::from_ref(
            &CscRef { nrows: 2, ncols: 2, colptr: &[0, 1, 3], rowidx: &[0, 0, 1], values: &[1e4, 1.0, 1e-2] },
            "P",
            true,
        )
        .unwrap();
        let a = Csc::from_ref(
            &CscRef { nrows: 2, ncols: 2, colptr: &[0, 2, 3], rowidx: &[0, 1, 1], values: &[1e3, 1.0, 1e-3] },
            "A",
            false,
        )
        .unwrap();
        let (mut ps, mut as_, mut q) = (p.clone(), a.clone(), vec![1.0, -50.0]);
        let s = Scaling::ruiz(&mut ps, &mut q, &mut as_, 25);
        for j in 0..2 {
            assert!((s.d[j] * s.dinv[j] - 1.0).abs() < 1e-15);
        }
        // The scaled matrices are the user matrices under the returned factors.
        let mut again = p.clone();
        s.scale_p(&mut again);
        for k in 0..3 {
            assert!((again.values[k] - ps.values[k]).abs() <= 1e-12 * ps.values[k].abs());
        }
        let mut again = a.clone();
        s.scale_a(&mut again);
        for k in 0..3 {
            assert!((again.values[k] - as_.values[k]).abs() <= 1e-12 * as_.values[k].abs());
        }
        // Entries spread over 7 decades before; the KKT column norms now sit near one scale.
        let mut norms = vec![0.0; 2];
        sym_col_norms(&ps, &mut norms);
        let spread_before = 1e4 / 1e-3;
        let all: Vec<f64> = ps.values.iter().chain(as_.values.iter()).map(|v| v.abs()).collect();
        let spread_after = all.iter().cloned().fold(0.0, f64::max) / all.iter().cloned().fold(f64::INFINITY, f64::min);
        assert!(spread_after < spread_before / 100.0, "spread {spread_after}");
    }
}
