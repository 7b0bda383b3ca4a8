//! Input errors, raised before any work starts. Outcomes of a solve (infeasible, iteration or
//! time limit) are statuses, never errors.
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A field of the problem, settings or update is invalid (`path` names it).
    Input,
    /// The KKT matrix does not have the inertia of a convex QP: P is not positive semidefinite.
    NonConvex,
    /// The problem is valid but its KKT factor would be too large to allocate.
    Capacity,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QpError {
    pub kind: ErrorKind,
    /// JSON path of the offending field, e.g. `A.rowIdx[17]` or `settings.rho`.
    pub path: String,
    pub message: String,
}

impl QpError {
    pub fn input(path: impl Into<String>, message: impl Into<String>) -> Self {
        QpError { kind: ErrorKind::Input, path: path.into(), message: message.into() }
    }
    pub fn capacity(message: impl Into<String>) -> Self {
        QpError { kind: ErrorKind::Capacity, path: String::new(), message: message.into() }
    }
    pub fn nonconvex(message: impl Into<String>) -> Self {
        QpError { kind: ErrorKind::NonConvex, path: "P".into(), message: message.into() }
    }
}

impl fmt::Display for QpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for QpError {}

pub type QpResult<T> = Result<T, QpError>;
