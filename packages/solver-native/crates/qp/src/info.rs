//! Diagnostics of one solve, in user units.
use crate::status::{PolishStatus, Status};

#[derive(Debug, Clone, PartialEq)]
pub struct Info {
    pub status: Status,
    pub iterations: u32,
    /// ½xᵀPx + qᵀx + r at the returned x; +∞ when primal infeasible, −∞ when dual infeasible,
    /// NaN after a numerical error.
    pub objective: f64,
    /// ‖Ax − z‖∞ and ‖Px + q + Aᵀy‖∞ in user units, recomputed from the unscaled data.
    pub primal_residual: f64,
    pub dual_residual: f64,
    /// ρ at the end of the solve (inequality rows; equality rows use 1e3·ρ).
    pub rho: f64,
    pub rho_updates: u32,
    pub polish: PolishStatus,
    pub setup_time_ms: f64,
    pub solve_time_ms: f64,
    pub polish_time_ms: f64,
}

impl Info {
    pub(crate) fn empty() -> Self {
        Info {
            status: Status::MaxIterReached,
            iterations: 0,
            objective: f64::NAN,
            primal_residual: f64::NAN,
            dual_residual: f64::NAN,
            rho: 0.0,
            rho_updates: 0,
            polish: PolishStatus::NotRun,
            setup_time_ms: 0.0,
            solve_time_ms: 0.0,
            polish_time_ms: 0.0,
        }
    }
}
