//! The OSQP algorithm (Stellato, Banjac, Goulart, Bemporad & Boyd, "OSQP: an operator
//! splitting solver for quadratic programs", Math. Prog. Comp. 12, 2020) in std-only Rust:
//!
//!   minimise ½xᵀPx + qᵀx + r   subject to   l ≤ Ax ≤ u
//!
//! ADMM on the quasi-definite KKT system, factored once by a sparse LDLᵀ in an AMD order;
//! Ruiz scaling; vector ρ with adaptation; infeasibility certificates; polishing; warm start
//! and in-place updates. Four types, four jobs: `Settings` (intent), `Info` (one run's
//! diagnostics), `Solution` (x, y or certificates), `Workspace` (set up once, updated in
//! place). Input problems are validated on entry; outcomes are `Status`es, never errors.
//!
//! `Settings::method` selects ADMM (`workspace`, the default) or the primal-dual interior point
//! (`ipm`); `Solver` holds either behind one interface.
//!
//! No N-API here: `crates/node` binds this crate to Node.

pub mod admm;
pub mod csc;
pub mod data;
pub mod error;
#[doc(hidden)]
pub mod fixtures;
pub mod infeasibility;
pub mod info;
pub mod ipm;
pub mod kkt;
pub(crate) mod par;
pub mod polish;
pub mod problem;
pub mod residuals;
pub mod rho;
pub mod scaling;
pub mod settings;
pub mod solution;
pub mod solver;
pub mod status;
pub mod termination;
pub mod workspace;

pub use csc::{Csc, CscRef};
pub use error::{ErrorKind, QpError, QpResult};
pub use info::Info;
pub use problem::{Problem, ProblemRef};
pub use settings::{Method, Settings, SettingsUpdate};
pub use solution::Solution;
pub use solver::Solver;
pub use ipm::IpmWorkspace;
pub use status::{PolishStatus, Status};
pub use workspace::Workspace;
