//! Primal and dual residuals of the current iterate, and the norms that scale the
//! tolerances; unscaled to user units unless termination is checked on the scaled problem.
use crate::csc::{norm_inf, scaled_norm_inf};
use crate::data::ScaledData;
use crate::rho::RhoEstimateInput;
use crate::scaling::Scaling;

/// Vectors the residual computation fills (preallocated, reused every check).
pub struct ResidualWork {
    pub ax: Vec<f64>,
    pub px: Vec<f64>,
    pub aty: Vec<f64>,
    tmp_m: Vec<f64>,
    tmp_n: Vec<f64>,
}

impl ResidualWork {
    pub fn new(n: usize, m: usize) -> Self {
        ResidualWork { ax: vec![0.0; m], px: vec![0.0; n], aty: vec![0.0; n], tmp_m: vec![0.0; m], tmp_n: vec![0.0; n] }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Residuals {
    /// ‖Ax − z‖∞ and ‖Px + q + Aᵀy‖∞ in the units termination uses.
    pub prim: f64,
    pub dual: f64,
    /// max(‖Ax‖∞, ‖z‖∞) and max(‖Px‖∞, ‖Aᵀy‖∞, ‖q‖∞) in the same units (relative tolerances).
    pub prim_norm: f64,
    pub dual_norm: f64,
    /// |xᵀPx + qᵀx + S(y)| (duality gap; S the support function of [l, u]) and
    /// max(|xᵀPx|, |qᵀx|, |S(y)|) for its relative tolerance, in the same units.
    pub gap: f64,
    pub gap_norm: f64,
    /// The same quantities on the scaled problem, for the ρ estimate.
    pub scaled: RhoEstimateInput,
}

/// Residuals at the scaled iterate (x, z, y).
pub fn compute(
    d: &ScaledData,
    s: &Scaling,
    x: &[f64],
    z: &[f64],
    y: &[f64],
    w: &mut ResidualWork,
    scaled_termination: bool,
) -> Residuals {
    let m = z.len();
    let mut r = Residuals::default();
    // Primal: A x − z.
    d.a.mul(x, &mut w.ax);
    for i in 0..m {
        w.tmp_m[i] = w.ax[i] - z[i];
    }
    r.scaled.prim_res = norm_inf(&w.tmp_m);
    r.scaled.prim_norm = norm_inf(z).max(norm_inf(&w.ax));
    // Dual: P x + q + Aᵀ y.
    d.p.sym_upper_mul(x, &mut w.px);
    d.a.tmul(y, &mut w.aty);
    for j in 0..x.len() {
        w.tmp_n[j] = w.px[j] + d.q[j] + w.aty[j];
    }
    r.scaled.dual_res = norm_inf(&w.tmp_n);
    r.scaled.dual_norm = norm_inf(&d.q).max(norm_inf(&w.aty)).max(norm_inf(&w.px));
    // Duality gap (OSQP 1.0): S(y) = uᵀmax(y,0) + lᵀmin(y,0) with y projected on the polar of
    // the recession cone, i.e. components pushing on an infinite bound count as zero.
    let mut support = 0.0;
    for i in 0..m {
        let yi = y[i];
        if yi > 0.0 && d.u[i] != f64::INFINITY {
            support += d.u[i] * yi;
        } else if yi < 0.0 && d.l[i] != f64::NEG_INFINITY {
            support += d.l[i] * yi;
        }
    }
    let xpx = crate::csc::dot(x, &w.px);
    let qx = crate::csc::dot(&d.q, x);
    let unit = if scaled_termination { 1.0 } else { s.cinv };
    r.gap = unit * (xpx + qx + support).abs();
    if r.gap.is_nan() {
        r.gap = f64::INFINITY;
    }
    r.gap_norm = unit * xpx.abs().max(qx.abs()).max(if support.is_finite() { support.abs() } else { 0.0 });
    if scaled_termination {
        r.prim = r.scaled.prim_res;
        r.dual = r.scaled.dual_res;
        r.prim_norm = r.scaled.prim_norm;
        r.dual_norm = r.scaled.dual_norm;
    } else {
        r.prim = scaled_norm_inf(&s.einv, &w.tmp_m);
        r.prim_norm = scaled_norm_inf(&s.einv, z).max(scaled_norm_inf(&s.einv, &w.ax));
        r.dual = s.cinv * scaled_norm_inf(&s.dinv, &w.tmp_n);
        r.dual_norm = s.cinv
            * scaled_norm_inf(&s.dinv, &d.q).max(scaled_norm_inf(&s.dinv, &w.aty)).max(scaled_norm_inf(&s.dinv, &w.px));
    }
    if m == 0 {
        r.prim = 0.0;
        r.scaled.prim_res = 0.0;
    }
    r
}
