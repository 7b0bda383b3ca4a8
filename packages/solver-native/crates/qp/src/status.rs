//! Outcomes of a solve: the same snake_case strings in Rust, TypeScript and JSON.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Solved,
    /// Only the 10× looser tolerances were met when the iteration or time limit hit.
    SolvedInaccurate,
    PrimalInfeasible,
    DualInfeasible,
    MaxIterReached,
    TimeLimitReached,
    /// Diverging or non-finite iterates, or a failed refactorisation.
    NumericalError,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Solved => "solved",
            Status::SolvedInaccurate => "solved_inaccurate",
            Status::PrimalInfeasible => "primal_infeasible",
            Status::DualInfeasible => "dual_infeasible",
            Status::MaxIterReached => "max_iter_reached",
            Status::TimeLimitReached => "time_limit_reached",
            Status::NumericalError => "numerical_error",
        }
    }

    /// Whether x and y are a (possibly inaccurate) solution, as opposed to certificates.
    pub fn has_solution(self) -> bool {
        !matches!(self, Status::PrimalInfeasible | Status::DualInfeasible | Status::NumericalError)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolishStatus {
    NotRun,
    Success,
    /// Attempted, but the polished point did not improve the residuals (ADMM's kept).
    Failed,
}

impl PolishStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PolishStatus::NotRun => "not_run",
            PolishStatus::Success => "success",
            PolishStatus::Failed => "failed",
        }
    }
}
