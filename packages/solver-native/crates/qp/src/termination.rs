//! OSQP's termination test: ‖r_prim‖∞ < ε_abs + ε_rel·max(‖Ax‖∞, ‖z‖∞),
//! ‖r_dual‖∞ < ε_abs + ε_rel·max(‖Px‖∞, ‖Aᵀy‖∞, ‖q‖∞) and, as in OSQP 1.0, the duality gap
//! |xᵀPx + qᵀx + S(y)| < ε_abs + ε_rel·max(|xᵀPx|, |qᵀx|, |S(y)|) — in user units by default;
//! otherwise the infeasibility tests on δy and δx. (Without the gap test, residuals within
//! tolerance still allowed objectives far off on badly scaled problems.)
use crate::residuals::Residuals;

/// Residuals beyond this mean the iterates diverge (OSQP_INFTY).
const DIVERGED: f64 = 1e30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Continue,
    Solved,
    /// Primal residual large and δy certifies infeasibility (decided by the caller's test).
    PrimalInfeasible,
    DualInfeasible,
    Diverged,
}

#[derive(Debug, Clone, Copy)]
pub struct Tolerances {
    pub eps_abs: f64,
    pub eps_rel: f64,
    pub eps_prim_inf: f64,
    pub eps_dual_inf: f64,
}

impl Tolerances {
    /// The 10× looser tolerances used to grade an unfinished run as `solved_inaccurate`.
    pub fn loosened(self) -> Self {
        Tolerances {
            eps_abs: 10.0 * self.eps_abs,
            eps_rel: 10.0 * self.eps_rel,
            eps_prim_inf: 10.0 * self.eps_prim_inf,
            eps_dual_inf: 10.0 * self.eps_dual_inf,
        }
    }
}

/// Optimality only (residuals and gap), e.g. to accept a polished point.
pub fn meets(r: &Residuals, tol: Tolerances, m: usize) -> bool {
    (m == 0 || r.prim < tol.eps_abs + tol.eps_rel * r.prim_norm)
        && r.dual < tol.eps_abs + tol.eps_rel * r.dual_norm
        && r.gap < tol.eps_abs + tol.eps_rel * r.gap_norm
}

/// Decides from the residuals; the infeasibility tests run only when the matching residual
/// test fails (they are passed as closures so they cost nothing otherwise).
pub fn check(
    r: &Residuals,
    tol: Tolerances,
    m: usize,
    primal_infeasible: impl FnOnce(f64) -> bool,
    dual_infeasible: impl FnOnce(f64) -> bool,
) -> Verdict {
    if !(r.prim <= DIVERGED && r.dual <= DIVERGED) {
        return Verdict::Diverged;
    }
    let prim_ok = m == 0 || r.prim < tol.eps_abs + tol.eps_rel * r.prim_norm;
    let dual_ok = r.dual < tol.eps_abs + tol.eps_rel * r.dual_norm;
    if prim_ok && dual_ok && r.gap < tol.eps_abs + tol.eps_rel * r.gap_norm {
        return Verdict::Solved;
    }
    if !prim_ok && primal_infeasible(tol.eps_prim_inf) {
        return Verdict::PrimalInfeasible;
    }
    if !dual_ok && dual_infeasible(tol.eps_dual_inf) {
        return Verdict::DualInfeasible;
    }
    Verdict::Continue
}
