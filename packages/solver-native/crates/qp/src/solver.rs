//! One handle over both methods, chosen by `Settings::method` at setup: the binding and
//! other callers hold a `Solver` and never branch on the algorithm.
use crate::error::QpResult;
use crate::info::Info;
use crate::ipm::IpmWorkspace;
use crate::problem::Problem;
use crate::settings::{Method, Settings, SettingsUpdate};
use crate::solution::Solution;
use crate::workspace::Workspace;

pub enum Solver {
    Admm(Box<Workspace>),
    Ipm(Box<IpmWorkspace>),
}

macro_rules! each {
    ($self:expr, $ws:ident => $e:expr) => {
        match $self {
            Solver::Admm($ws) => $e,
            Solver::Ipm($ws) => $e,
        }
    };
}

impl Solver {
    /// Validates and sets up the workspace of `settings.method`.
    pub fn new(prob: Problem, settings: Settings) -> QpResult<Solver> {
        Ok(match settings.method {
            Method::Admm => Solver::Admm(Box::new(Workspace::new(prob, settings)?)),
            Method::Ipm => Solver::Ipm(Box::new(IpmWorkspace::new(prob, settings)?)),
        })
    }
    pub fn method(&self) -> Method {
        match self {
            Solver::Admm(_) => Method::Admm,
            Solver::Ipm(_) => Method::Ipm,
        }
    }
    pub fn solve(&mut self) -> (&Info, &Solution) {
        each!(self, ws => ws.solve())
    }
    pub fn problem(&self) -> &Problem {
        each!(self, ws => ws.problem())
    }
    pub fn settings(&self) -> &Settings {
        each!(self, ws => ws.settings())
    }
    pub fn factor_nnz(&self) -> usize {
        each!(self, ws => ws.factor_nnz())
    }
    pub fn update_q(&mut self, q: &[f64]) -> QpResult<()> {
        each!(self, ws => ws.update_q(q))
    }
    pub fn update_bounds(&mut self, l: &[f64], u: &[f64]) -> QpResult<()> {
        each!(self, ws => ws.update_bounds(l, u))
    }
    pub fn update_p_values(&mut self, v: &[f64]) -> QpResult<()> {
        each!(self, ws => ws.update_p_values(v))
    }
    pub fn update_a_values(&mut self, v: &[f64]) -> QpResult<()> {
        each!(self, ws => ws.update_a_values(v))
    }
    pub fn update_settings(&mut self, upd: &SettingsUpdate) -> QpResult<()> {
        each!(self, ws => ws.update_settings(upd))
    }
    pub fn warm_start(&mut self, x: Option<&[f64]>, y: Option<&[f64]>) -> QpResult<()> {
        each!(self, ws => ws.warm_start(x, y))
    }
}
