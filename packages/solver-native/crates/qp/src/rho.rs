//! The step size ρ: one value per constraint row, and its adaptation (OSQP paper §5.2).
//!
//! Equality rows (u − l < 1e-4 after scaling) get 1e3·ρ so their multipliers move fast; free
//! rows (both bounds infinite) get ρ_min, since their multiplier must end at zero.

pub const RHO_MIN: f64 = 1e-6;
pub const RHO_MAX: f64 = 1e6;
const RHO_EQ_OVER_RHO_INEQ: f64 = 1e3;
const RHO_TOL: f64 = 1e-4;
/// Scaled bounds beyond this are infinite (OSQP_INFTY · MIN_SCALING).
pub const INF_SCALED: f64 = 1e30 * 1e-4;
const DIVISION_TOL: f64 = 1e-30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Free,
    Inequality,
    Equality,
}

#[derive(Debug, Clone)]
pub struct Rho {
    /// ρ of inequality rows.
    pub value: f64,
    pub kind: Vec<RowKind>,
    pub vec: Vec<f64>,
    pub inv: Vec<f64>,
}

impl Rho {
    pub fn new(value: f64, l: &[f64], u: &[f64]) -> Rho {
        let m = l.len();
        let mut r = Rho { value: clip(value), kind: vec![RowKind::Inequality; m], vec: vec![0.0; m], inv: vec![0.0; m] };
        r.classify(l, u);
        r.refresh();
        r
    }

    /// Reclassifies rows from (scaled) bounds; true when any row changed kind.
    pub fn classify(&mut self, l: &[f64], u: &[f64]) -> bool {
        let mut changed = false;
        for i in 0..l.len() {
            let k = if l[i] < -INF_SCALED && u[i] > INF_SCALED {
                RowKind::Free
            } else if u[i] - l[i] < RHO_TOL {
                RowKind::Equality
            } else {
                RowKind::Inequality
            };
            changed |= k != self.kind[i];
            self.kind[i] = k;
        }
        changed
    }

    /// Rewrites the per-row vectors from `value` and the row kinds.
    pub fn refresh(&mut self) {
        for i in 0..self.kind.len() {
            let r = match self.kind[i] {
                RowKind::Free => RHO_MIN,
                RowKind::Inequality => self.value,
                RowKind::Equality => RHO_EQ_OVER_RHO_INEQ * self.value,
            };
            self.vec[i] = r;
            self.inv[i] = 1.0 / r;
        }
    }

    pub fn set_value(&mut self, value: f64) {
        self.value = clip(value);
        self.refresh();
    }
}

fn clip(v: f64) -> f64 {
    v.clamp(RHO_MIN, RHO_MAX)
}

/// Scaled quantities the ρ estimate balances.
#[derive(Debug, Clone, Copy, Default)]
pub struct RhoEstimateInput {
    pub prim_res: f64,
    pub dual_res: f64,
    /// max(‖z̃‖∞, ‖Ãx̃‖∞)
    pub prim_norm: f64,
    /// max(‖q̃‖∞, ‖Ãᵀỹ‖∞, ‖P̃x̃‖∞)
    pub dual_norm: f64,
}

/// ρ_new = ρ · sqrt( (‖r_prim‖/max(‖z‖,‖Ax‖)) / (‖r_dual‖/max(‖q‖,‖Aᵀy‖,‖Px‖)) ), clipped.
pub fn estimate(rho: f64, r: &RhoEstimateInput) -> f64 {
    let prim = r.prim_res / (r.prim_norm + DIVISION_TOL);
    let dual = r.dual_res / (r.dual_norm + DIVISION_TOL);
    let est = rho * (prim / (dual + DIVISION_TOL)).sqrt();
    if est.is_finite() {
        clip(est)
    } else {
        rho
    }
}

/// ADMM iterations between ρ updates when the setting is 0: every fourth termination check
/// (OSQP 1.0's iteration rule; 100 with the default check interval). Deterministic, unlike
/// OSQP 0.6's fraction of the measured setup time, so a problem always takes the same path
/// and the native and TypeScript backends take the same one.
pub fn default_interval(check_every: u32) -> u32 {
    4 * if check_every > 0 { check_every } else { 25 }
}
