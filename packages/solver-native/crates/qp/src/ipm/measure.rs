//! Optimality and infeasibility tests of the interior-point iterates, in user units and with
//! the same criteria as the independent checker (`src/qp/check.ts`):
//!
//!   primal  ‖Ax − Π[l,u](Ax)‖∞ ≤ ε_abs + ε_rel·max(‖Ax‖∞, ‖Π(Ax)‖∞)
//!   dual    ‖Px + q + Aᵀy‖∞   ≤ ε_abs + ε_rel·max(‖Px‖∞, ‖Aᵀy‖∞, ‖q‖∞)
//!   gap     |xᵀPx + qᵀx + S(y)| ≤ ε_abs + ε_rel·max(|xᵀPx|, |qᵀx|, |S(y)|)
//!
//! with S(y) = uᵀmax(y, 0) + lᵀmin(y, 0). Products come from the scaled ones the iteration
//! computes anyway (Ax = E⁻¹Ãx̃, Px = D⁻¹P̃x̃/c, Aᵀy = D⁻¹Ãᵀỹ/c), so a test costs no extra
//! matrix product. A certificate is claimed only when it passes the checker's test.
use crate::csc::{dot, norm_inf};
use crate::data::ScaledData;
use crate::problem::Problem;
use crate::residuals::Residuals;
use crate::scaling::Scaling;

use super::rows::RowClasses;

/// A certificate's residual part must be below this fraction of its objective part.
const CERTIFICATE_MARGIN: f64 = 1e-3;

/// Residuals and the norms scaling their tolerances (the ADMM residual type, `scaled` unused).
/// The row part and the column part are independent (run on two threads when `parallel`).
#[allow(clippy::too_many_arguments)]
pub fn optimality(prob: &Problem, s: &Scaling, d: &ScaledData, x: &[f64], y: &[f64], ax: &[f64], px: &[f64], aty: &[f64], parallel: bool) -> Residuals {
    let (n, m) = (prob.n, prob.m);
    let rows = || {
        let (mut prim, mut prim_norm, mut support) = (0.0f64, 0.0f64, 0.0);
        for i in 0..m {
            let a = ax[i] * s.einv[i];
            let z = a.max(prob.l[i]).min(prob.u[i]);
            prim = prim.max((a - z).abs());
            prim_norm = prim_norm.max(a.abs()).max(z.abs());
            let yi = y[i] * s.e[i] * s.cinv;
            if yi > 0.0 {
                support += prob.u[i] * yi;
            } else if yi < 0.0 {
                support += prob.l[i] * yi;
            }
        }
        (prim, prim_norm, support)
    };
    let columns = || {
        let (mut dual, mut px_n, mut aty_n, mut q_n) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for j in 0..n {
            let k = s.dinv[j] * s.cinv;
            let (p, t, q) = (px[j] * k, aty[j] * k, prob.q[j]);
            dual = dual.max((p + q + t).abs());
            px_n = px_n.max(p.abs());
            aty_n = aty_n.max(t.abs());
            q_n = q_n.max(q.abs());
        }
        (dual, px_n.max(aty_n).max(q_n), dot(x, px) * s.cinv, dot(&d.q, x) * s.cinv)
    };
    let ((prim, prim_norm, support), (dual, dual_norm, xpx, qx)) = crate::par::join_if(parallel, rows, columns);
    Residuals {
        prim,
        prim_norm,
        dual,
        dual_norm,
        gap: (xpx + qx + support).abs(),
        gap_norm: xpx.abs().max(qx.abs()).max(support.abs()),
        ..Residuals::default()
    }
}

/// Tests δy (scaled) as a primal infeasibility certificate: Aᵀδy ≈ 0 and
/// uᵀmax(δy,0) + lᵀmin(δy,0) < −ε‖δy‖∞ in user units. On success returns δy in user units,
/// normalised to ‖δy‖∞ = 1.
pub fn primal_certificate(prob: &Problem, s: &Scaling, rows: &RowClasses, dy: &[f64], eps: f64, tmp_n: &mut [f64]) -> Option<Vec<f64>> {
    let m = prob.m;
    // Zero what a certificate cannot use (sides that do not exist) and go to user units.
    let mut c: Vec<f64> = (0..m)
        .map(|i| {
            let v = dy[i] * s.e[i];
            if rows.eq[i] || (v > 0.0 && rows.has_u[i]) || (v < 0.0 && rows.has_l[i]) {
                v
            } else {
                0.0
            }
        })
        .collect();
    let norm = norm_inf(&c);
    if !(norm > 1e-300) || !norm.is_finite() {
        return None;
    }
    c.iter_mut().for_each(|v| *v /= norm);
    let mut support = 0.0;
    for i in 0..m {
        if c[i] > 0.0 {
            support += prob.u[i] * c[i];
        } else if c[i] < 0.0 {
            support += prob.l[i] * c[i];
        }
    }
    if !(support < -eps) {
        return None;
    }
    // Recomputed from the user's A, with half the tolerance: the checker's own arithmetic
    // must agree with the claim. And ‖Aᵀc‖ must be small against the support too: a feasible
    // problem with huge multipliers can pass the tolerance test with a "certificate" that
    // never improves, while a true one keeps improving as the iterates diverge.
    prob.a.tmul(&c, tmp_n);
    let aty = norm_inf(tmp_n);
    (aty <= 0.5 * eps && aty <= CERTIFICATE_MARGIN * -support).then_some(c)
}

/// Tests δx (scaled) as a dual infeasibility certificate: Pδx ≈ 0, qᵀδx < −ε‖δx‖∞ and Aδx in
/// the recession cone of [l, u] within ε‖δx‖∞, in user units. On success returns δx in user
/// units, normalised to ‖δx‖∞ = 1.
pub fn dual_certificate(prob: &Problem, s: &Scaling, dx: &[f64], eps: f64, tmp_n: &mut [f64], tmp_m: &mut [f64]) -> Option<Vec<f64>> {
    let n = prob.n;
    let c: Vec<f64> = (0..n).map(|j| dx[j] * s.d[j]).collect();
    let norm = norm_inf(&c);
    if !(norm > 1e-300) || !norm.is_finite() {
        return None;
    }
    let c: Vec<f64> = c.iter().map(|v| v / norm).collect();
    if !(dot(&prob.q, &c) < -eps) {
        return None;
    }
    // Recomputed from the user's P and A, with half the tolerance and against qᵀc (see above).
    let tol = (0.5 * eps).min(CERTIFICATE_MARGIN * -dot(&prob.q, &c));
    prob.p.sym_upper_mul(&c, tmp_n);
    if !(norm_inf(tmp_n) <= tol) {
        return None;
    }
    prob.a.mul(&c, tmp_m);
    for i in 0..prob.m {
        let v = tmp_m[i];
        if (prob.u[i].is_finite() && v > tol) || (prob.l[i].is_finite() && v < -tol) {
            return None;
        }
    }
    Some(c)
}
