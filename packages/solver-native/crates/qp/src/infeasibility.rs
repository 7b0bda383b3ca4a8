//! Certificates of infeasibility from the ADMM differences δy = yᵏ⁺¹ − yᵏ and δx = xᵏ⁺¹ − xᵏ,
//! which converge to them when the problem is infeasible (OSQP paper §3.4, §5.3):
//!
//!   primal:  ‖Aᵀδy‖∞ < ε‖δy‖∞  and  uᵀmax(δy,0) + lᵀmin(δy,0) < 0
//!   dual:    ‖Pδx‖∞ < ε‖δx‖∞,  qᵀδx < 0,  (Aδx)ᵢ within ±ε‖δx‖∞ of the recession cone of [l,u]
use crate::csc::{dot, norm_inf};
use crate::data::ScaledData;
use crate::rho::INF_SCALED;
use crate::scaling::Scaling;

const DIVISION_TOL: f64 = 1e-30;

/// uᵀmax(δy,0) + lᵀmin(δy,0), skipping zero parts so that infinite bounds never meet 0·∞.
pub fn support(l: &[f64], u: &[f64], dy: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..dy.len() {
        if dy[i] > 0.0 {
            s += u[i] * dy[i];
        } else if dy[i] < 0.0 {
            s += l[i] * dy[i];
        }
    }
    s
}

/// Projects δy onto the polar of the recession cone of [l, u]: a row with an infinite upper
/// bound can only certify with δyᵢ ≤ 0, one with an infinite lower bound with δyᵢ ≥ 0.
fn project_polar_reccone(dy: &mut [f64], l: &[f64], u: &[f64]) {
    for i in 0..dy.len() {
        if u[i] > INF_SCALED {
            dy[i] = if l[i] < -INF_SCALED { 0.0 } else { dy[i].min(0.0) };
        } else if l[i] < -INF_SCALED {
            dy[i] = dy[i].max(0.0);
        }
    }
}

/// Tests δy (projected in place) as a primal infeasibility certificate.
pub fn is_primal_infeasible(
    dy: &mut [f64],
    d: &ScaledData,
    s: &Scaling,
    eps: f64,
    scaled_termination: bool,
    tmp_m: &mut [f64],
    tmp_n: &mut [f64],
) -> bool {
    project_polar_reccone(dy, &d.l, &d.u);
    let norm_dy = if scaled_termination {
        norm_inf(dy)
    } else {
        for i in 0..dy.len() {
            tmp_m[i] = s.e[i] * dy[i];
        }
        norm_inf(tmp_m)
    };
    if norm_dy <= DIVISION_TOL {
        return false;
    }
    if support(&d.l, &d.u, dy) >= 0.0 {
        return false;
    }
    d.a.tmul(dy, tmp_n);
    if !scaled_termination {
        for j in 0..tmp_n.len() {
            tmp_n[j] *= s.dinv[j];
        }
    }
    norm_inf(tmp_n) < eps * norm_dy
}

/// Tests δx as a dual infeasibility (unboundedness) certificate.
pub fn is_dual_infeasible(
    dx: &[f64],
    d: &ScaledData,
    s: &Scaling,
    eps: f64,
    scaled_termination: bool,
    tmp_m: &mut [f64],
    tmp_n: &mut [f64],
) -> bool {
    let (norm_dx, cost_scaling) = if scaled_termination {
        (norm_inf(dx), 1.0)
    } else {
        (dx.iter().zip(&s.d).fold(0.0f64, |a, (x, dd)| a.max((x * dd).abs())), s.c)
    };
    if norm_dx <= DIVISION_TOL || dot(&d.q, dx) >= 0.0 {
        return false;
    }
    d.p.sym_upper_mul(dx, tmp_n);
    if !scaled_termination {
        for j in 0..tmp_n.len() {
            tmp_n[j] *= s.dinv[j];
        }
    }
    if norm_inf(tmp_n) >= cost_scaling * eps * norm_dx {
        return false;
    }
    d.a.mul(dx, tmp_m);
    if !scaled_termination {
        for i in 0..tmp_m.len() {
            tmp_m[i] *= s.einv[i];
        }
    }
    let tol = eps * norm_dx;
    (0..tmp_m.len()).all(|i| !((d.u[i] < INF_SCALED && tmp_m[i] > tol) || (d.l[i] > -INF_SCALED && tmp_m[i] < -tol)))
}
