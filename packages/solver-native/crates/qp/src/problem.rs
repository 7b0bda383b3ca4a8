//! The problem `minimise ½xᵀPx + qᵀx + r  s.t.  l ≤ Ax ≤ u`, validated on entry.
use crate::csc::{Csc, CscRef};
use crate::error::{QpError, QpResult};

/// Bounds at or beyond this magnitude are infinite (JSON writes ±1e30; the TS side uses the
/// same threshold, `QP_INFINITY_THRESHOLD`).
pub const INFTY: f64 = 1e20;

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub n: usize,
    pub m: usize,
    /// Upper triangle of P (n × n).
    pub p: Csc,
    pub q: Vec<f64>,
    pub r: f64,
    /// m × n.
    pub a: Csc,
    /// −∞ for none.
    pub l: Vec<f64>,
    /// +∞ for none.
    pub u: Vec<f64>,
}

/// Borrowed caller data (typed arrays from JS).
#[derive(Debug, Clone, Copy)]
pub struct ProblemRef<'a> {
    pub n: usize,
    pub m: usize,
    pub p: CscRef<'a>,
    pub q: &'a [f64],
    pub r: f64,
    pub a: CscRef<'a>,
    pub l: &'a [f64],
    pub u: &'a [f64],
}

pub(crate) fn check_vector(path: &str, v: &[f64], len: usize) -> QpResult<()> {
    if v.len() != len {
        return Err(QpError::input(path, format!("must have length {len}, got {}", v.len())));
    }
    for (i, x) in v.iter().enumerate() {
        if !x.is_finite() {
            return Err(QpError::input(format!("{path}[{i}]"), "must be a finite number"));
        }
    }
    Ok(())
}

/// Validates bounds and maps |bound| ≥ 1e30 to ±∞.
pub(crate) fn check_bounds(l: &[f64], u: &[f64], m: usize) -> QpResult<(Vec<f64>, Vec<f64>)> {
    if l.len() != m {
        return Err(QpError::input("l", format!("must have length m = {m}, got {}", l.len())));
    }
    if u.len() != m {
        return Err(QpError::input("u", format!("must have length m = {m}, got {}", u.len())));
    }
    let mut lo = Vec::with_capacity(m);
    let mut hi = Vec::with_capacity(m);
    for i in 0..m {
        let (a, b) = (l[i], u[i]);
        if a.is_nan() || a == f64::INFINITY {
            return Err(QpError::input(format!("l[{i}]"), "must be a number or -Infinity"));
        }
        if b.is_nan() || b == f64::NEG_INFINITY {
            return Err(QpError::input(format!("u[{i}]"), "must be a number or +Infinity"));
        }
        let a = if a <= -INFTY { f64::NEG_INFINITY } else { a };
        let b = if b >= INFTY { f64::INFINITY } else { b };
        if a > b {
            return Err(QpError::input(format!("l[{i}]"), format!("lower bound {a} exceeds upper bound u[{i}] = {b}")));
        }
        lo.push(a);
        hi.push(b);
    }
    Ok((lo, hi))
}

impl Problem {
    pub fn from_ref(d: &ProblemRef<'_>) -> QpResult<Problem> {
        let (n, m) = (d.n, d.m);
        if d.p.nrows != n || d.p.ncols != n {
            return Err(QpError::input("P", format!("must be n × n = {n} × {n}, got {} × {}", d.p.nrows, d.p.ncols)));
        }
        if d.a.nrows != m || d.a.ncols != n {
            return Err(QpError::input("A", format!("must be m × n = {m} × {n}, got {} × {}", d.a.nrows, d.a.ncols)));
        }
        let p = Csc::from_ref(&d.p, "P", true)?;
        let a = Csc::from_ref(&d.a, "A", false)?;
        check_vector("q", d.q, n)?;
        if !d.r.is_finite() {
            return Err(QpError::input("r", "must be a finite number"));
        }
        let (l, u) = check_bounds(d.l, d.u, m)?;
        Ok(Problem { n, m, p, q: d.q.to_vec(), r: d.r, a, l, u })
    }

    /// Convenience for Rust callers holding `usize` indices; validates exactly like `from_ref`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(p: Csc, q: Vec<f64>, a: Csc, l: Vec<f64>, u: Vec<f64>) -> QpResult<Problem> {
        let to_i32 = |v: &[usize]| -> QpResult<Vec<i32>> {
            v.iter().map(|&x| i32::try_from(x).map_err(|_| QpError::input("index", "exceeds 2^31 - 1"))).collect()
        };
        let (pc, pr, ac, ar) = (to_i32(&p.colptr)?, to_i32(&p.rowidx)?, to_i32(&a.colptr)?, to_i32(&a.rowidx)?);
        Problem::from_ref(&ProblemRef {
            n: q.len(),
            m: l.len(),
            p: CscRef { nrows: p.nrows, ncols: p.ncols, colptr: &pc, rowidx: &pr, values: &p.values },
            q: &q,
            r: 0.0,
            a: CscRef { nrows: a.nrows, ncols: a.ncols, colptr: &ac, rowidx: &ar, values: &a.values },
            l: &l,
            u: &u,
        })
    }

    /// ½xᵀPx + qᵀx + r.
    pub fn objective(&self, x: &[f64]) -> f64 {
        self.p.sym_upper_quad(x) + crate::csc::dot(&self.q, x) + self.r
    }
}
