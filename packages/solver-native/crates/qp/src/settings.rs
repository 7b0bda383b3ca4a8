//! User intent: every field has a default (identical to `DEFAULT_QP_SETTINGS` in
//! `src/qp/types.ts`), a unit where it is not obvious, and is validated by `validate`.
use crate::error::{QpError, QpResult};

/// Which algorithm solves the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// OSQP's ADMM (`admm.rs`): cheap iterations on one factorisation; warm starts well.
    #[default]
    Admm,
    /// Primal-dual interior point (`ipm/`): one factorisation per iteration, few iterations;
    /// robust where ADMM crawls (binding dense rows, degenerate active sets).
    Ipm,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Admm => "admm",
            Method::Ipm => "ipm",
        }
    }
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "admm" => Some(Method::Admm),
            "ipm" => Some(Method::Ipm),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The algorithm; the interior point ignores the ADMM-only fields (ρ, σ, α, adaptive ρ,
    /// termination interval, polishing) and checks termination every iteration in user units.
    pub method: Method,
    /// ADMM step size ρ (initial value when adaptive); clipped to [1e-6, 1e6].
    pub rho: f64,
    /// Regularisation σ on x in the KKT system.
    pub sigma: f64,
    /// Over-relaxation α ∈ (0, 2).
    pub alpha: f64,
    pub eps_abs: f64,
    pub eps_rel: f64,
    pub eps_prim_inf: f64,
    pub eps_dual_inf: f64,
    pub max_iter: u32,
    /// Wall-clock limit in seconds for setup + solve (first solve) or solve; 0 means none.
    pub time_limit_sec: f64,
    /// Ruiz equilibration passes; 0 disables scaling.
    pub scaling_iterations: u32,
    pub adaptive_rho: bool,
    /// Iterations between ρ updates; 0 means every fourth termination check (OSQP 1.0's
    /// iteration rule: deterministic, so every run of a problem takes the same path).
    pub adaptive_rho_interval: u32,
    /// Refactor only when the proposed ρ differs by more than this factor.
    pub adaptive_rho_tolerance: f64,
    /// Check termination every this many iterations (0: only after the last iteration).
    pub check_termination: u32,
    pub polish: bool,
    /// Regularisation δ of the polishing KKT system.
    pub polish_delta: f64,
    pub polish_refine_iter: u32,
    /// Start from the previous solution (or one set by `warm_start`) instead of zeros.
    pub warm_start: bool,
    /// (interior point) A warm start whose first affine steps are blocked restarts from a
    /// looser iterate of an earlier solve, then cold (see ipm/workspace.rs, RETREAT_STEP). Helps
    /// when a data change moves the active set a lot; costs up to a cold solve when the short
    /// steps would have recovered by themselves (small repeated moves, e.g. price updates).
    pub warm_fallback: bool,
    /// (interior point) Also try the AMD order that counts dense rows and keep it when its
    /// factor is clearly smaller (see ipm/newton.rs, `order`); false: plain AMD only.
    pub ipm_counted_order: bool,
    /// Run termination checks on the scaled problem (OSQP's scaled_termination).
    pub scaled_termination: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            method: Method::Admm,
            rho: 0.1,
            sigma: 1e-6,
            alpha: 1.6,
            eps_abs: 1e-3,
            eps_rel: 1e-3,
            eps_prim_inf: 1e-4,
            eps_dual_inf: 1e-4,
            max_iter: 4000,
            time_limit_sec: 0.0,
            scaling_iterations: 10,
            adaptive_rho: true,
            adaptive_rho_interval: 0,
            adaptive_rho_tolerance: 5.0,
            check_termination: 25,
            polish: false,
            polish_delta: 1e-6,
            polish_refine_iter: 3,
            warm_start: true,
            warm_fallback: true,
            ipm_counted_order: true,
            scaled_termination: false,
        }
    }
}

/// The subset of settings that may change after setup.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsUpdate {
    pub max_iter: Option<u32>,
    pub eps_abs: Option<f64>,
    pub eps_rel: Option<f64>,
    pub time_limit_sec: Option<f64>,
    pub polish: Option<bool>,
    pub warm_start: Option<bool>,
    pub check_termination: Option<u32>,
}

fn positive(path: &str, v: f64) -> QpResult<()> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(QpError::input(path, "must be a finite number > 0"))
    }
}

fn nonnegative(path: &str, v: f64) -> QpResult<()> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(QpError::input(path, "must be a finite number ≥ 0"))
    }
}

impl Settings {
    pub fn validate(&self) -> QpResult<()> {
        positive("settings.rho", self.rho)?;
        positive("settings.sigma", self.sigma)?;
        if !(self.alpha > 0.0 && self.alpha < 2.0) {
            return Err(QpError::input("settings.alpha", "must lie in (0, 2)"));
        }
        nonnegative("settings.epsAbs", self.eps_abs)?;
        nonnegative("settings.epsRel", self.eps_rel)?;
        if self.eps_abs == 0.0 && self.eps_rel == 0.0 {
            return Err(QpError::input("settings.epsAbs", "epsAbs and epsRel cannot both be 0"));
        }
        nonnegative("settings.epsPrimInf", self.eps_prim_inf)?;
        nonnegative("settings.epsDualInf", self.eps_dual_inf)?;
        if self.max_iter == 0 {
            return Err(QpError::input("settings.maxIter", "must be an integer ≥ 1"));
        }
        nonnegative("settings.timeLimitSec", self.time_limit_sec)?;
        if !(self.adaptive_rho_tolerance.is_finite() && self.adaptive_rho_tolerance >= 1.0) {
            return Err(QpError::input("settings.adaptiveRhoTolerance", "must be a finite number ≥ 1"));
        }
        positive("settings.polishDelta", self.polish_delta)?;
        Ok(())
    }

    /// Applies an update after validating the result; on error nothing changes.
    pub fn apply(&mut self, upd: &SettingsUpdate) -> QpResult<()> {
        let mut next = self.clone();
        if let Some(v) = upd.max_iter {
            next.max_iter = v;
        }
        if let Some(v) = upd.eps_abs {
            next.eps_abs = v;
        }
        if let Some(v) = upd.eps_rel {
            next.eps_rel = v;
        }
        if let Some(v) = upd.time_limit_sec {
            next.time_limit_sec = v;
        }
        if let Some(v) = upd.polish {
            next.polish = v;
        }
        if let Some(v) = upd.warm_start {
            next.warm_start = v;
        }
        if let Some(v) = upd.check_termination {
            next.check_termination = v;
        }
        next.validate()?;
        *self = next;
        Ok(())
    }
}
