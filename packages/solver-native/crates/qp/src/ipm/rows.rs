//! What each constraint row is to the interior-point method.
//!
//! - `free` rows (both bounds infinite) constrain nothing: y = 0, left out of the Newton
//!   system;
//! - a one-entry inequality row (a bound on one variable, a·xⱼ within [l, u]) is *absorbed*:
//!   its 1 × 1 block is eliminated into the diagonal of its variable, so it adds nothing to
//!   the factorisation;
//! - every other row is a node of the Newton system ("kept").
//!
//! The classification depends on which bounds are finite and on A's pattern, not on values;
//! a bound update that changes it rebuilds the Newton system's structure.
use crate::csc::Csc;

pub const NONE: usize = usize::MAX;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowClasses {
    /// Lower / upper side finite (for an equality row both are false).
    pub has_l: Vec<bool>,
    pub has_u: Vec<bool>,
    pub eq: Vec<bool>,
    /// For an absorbed row, the index of its single entry in A's arrays and that entry's
    /// column; else NONE.
    pub absorbed: Vec<usize>,
    pub absorbed_col: Vec<usize>,
    /// Node of a kept row in the Newton system (n + position), else NONE.
    pub node: Vec<usize>,
    /// Kept rows in node order.
    pub kept: Vec<usize>,
    /// Number of finite inequality sides (the complementarity pairs).
    pub sides: usize,
    /// The rows of each class, ascending (32-bit: the per-iteration passes read them instead of
    /// testing every row's flags): free, equality, absorbed, and kept inequality rows.
    pub free_rows: Vec<u32>,
    pub eq_rows: Vec<u32>,
    pub absorbed_rows: Vec<u32>,
    pub kept_ineq: Vec<u32>,
}

impl RowClasses {
    /// Classifies the rows of `a` under bounds `l`, `u` (±∞ for none); `n` = number of columns.
    pub fn new(a: &Csc, l: &[f64], u: &[f64]) -> RowClasses {
        let (m, n) = (a.nrows, a.ncols);
        let mut len = vec![0usize; m];
        let mut entry = vec![NONE; m];
        let mut col = vec![NONE; m];
        for j in 0..n {
            for k in a.colptr[j]..a.colptr[j + 1] {
                let i = a.rowidx[k];
                len[i] += 1;
                entry[i] = k;
                col[i] = j;
            }
        }
        let mut c = RowClasses {
            has_l: vec![false; m],
            has_u: vec![false; m],
            eq: vec![false; m],
            absorbed: vec![NONE; m],
            absorbed_col: vec![NONE; m],
            node: vec![NONE; m],
            kept: Vec::new(),
            sides: 0,
            free_rows: Vec::new(),
            eq_rows: Vec::new(),
            absorbed_rows: Vec::new(),
            kept_ineq: Vec::new(),
        };
        for i in 0..m {
            let (lf, uf) = (l[i].is_finite(), u[i].is_finite());
            if lf && uf && l[i] == u[i] {
                c.eq[i] = true;
            } else {
                c.has_l[i] = lf;
                c.has_u[i] = uf;
                c.sides += lf as usize + uf as usize;
            }
            let free = !lf && !uf;
            if free {
                c.free_rows.push(i as u32);
                continue;
            }
            if !c.eq[i] && len[i] == 1 {
                c.absorbed[i] = entry[i];
                c.absorbed_col[i] = col[i];
                c.absorbed_rows.push(i as u32);
            } else {
                c.node[i] = n + c.kept.len();
                c.kept.push(i);
                if c.eq[i] {
                    c.eq_rows.push(i as u32);
                } else {
                    c.kept_ineq.push(i as u32);
                }
            }
        }
        c
    }

    pub fn is_free(&self, i: usize) -> bool {
        !self.eq[i] && !self.has_l[i] && !self.has_u[i]
    }
}
