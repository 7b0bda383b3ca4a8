//! The linear system of each ADMM step, behind one narrow interface (`KktSolver`), so the
//! ADMM loop never knows how it is solved:
//!
//!   [ P + σI      Aᵀ      ] [ x ]   [ b₁ ]
//!   [ A        −diag(1/ρ) ] [ ν ] = [ b₂ ]
//!
//! The matrix is quasi-definite, so a sparse LDLᵀ exists in every symmetric order. `LdlKkt`
//! assembles its upper triangle once, orders it with AMD, does the symbolic analysis once,
//! and keeps maps from P's, A's and ρ's entries to their slots so that ρ changes and value
//! updates only rewrite numbers and refactor numerically.
pub mod amd;
pub mod ldl;
pub mod tail_ldl;

use crate::csc::Csc;
use ldl::{Factor, LdlError, Symbolic};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KktError {
    /// Numeric failure (zero or non-finite pivot).
    Singular,
    /// Factorised, but the inertia is not (n positive, m negative): P is not PSD.
    WrongInertia { positive: usize, expected: usize },
    /// The factor would exceed `MAX_FACTOR_NNZ` entries (refused rather than letting an
    /// allocation failure abort the process).
    TooLarge { nnz: usize },
}

/// Largest LDLᵀ factor accepted: 2²⁸ entries (about 3.2 GB with values and row indices).
pub const MAX_FACTOR_NNZ: usize = 1 << 28;

pub trait KktSolver {
    /// Solves the KKT system in place: `rhs` is [b₁; b₂] on entry, [x; ν] on return.
    fn solve(&mut self, rhs: &mut [f64]);
    /// New ρ values (one per constraint); refactors.
    fn update_rho(&mut self, rho: &[f64]) -> Result<(), KktError>;
    /// New values of P (upper triangle) and A with the patterns given at setup; refactors.
    fn update_matrices(&mut self, p: &Csc, a: &Csc) -> Result<(), KktError>;
}

pub struct LdlKkt {
    n: usize,
    m: usize,
    sigma: f64,
    colptr: Vec<usize>,
    rowidx: Vec<usize>,
    values: Vec<f64>,
    /// perm[k] = original row/column at permuted position k.
    perm: Vec<usize>,
    /// Slot of each stored P entry, of each (j, j) for j < n, of each A entry, of each ρ.
    p_slot: Vec<usize>,
    p_diag: Vec<bool>,
    diag_slot: Vec<usize>,
    a_slot: Vec<usize>,
    rho_slot: Vec<usize>,
    factor: Factor,
    work: Vec<f64>,
    /// The polishing system on the same pattern (allocated on first use).
    polish: Option<(Vec<f64>, Factor)>,
}

#[derive(Clone, Copy)]
enum Origin {
    P(usize),
    Diag(usize),
    A(usize),
    Rho(usize),
}

impl LdlKkt {
    /// Assembles, orders and factors K for `p` (upper triangle), `a`, `sigma` and `rho`.
    pub fn new(p: &Csc, a: &Csc, sigma: f64, rho: &[f64]) -> Result<LdlKkt, KktError> {
        let (n, m) = (p.ncols, a.nrows);
        let dim = n + m;
        // Unpermuted upper triangle, column by column, with the origin of every entry.
        let mut cols: Vec<Vec<(usize, Origin)>> = vec![Vec::new(); dim];
        for j in 0..n {
            for k in p.colptr[j]..p.colptr[j + 1] {
                cols[j].push((p.rowidx[k], Origin::P(k)));
            }
            cols[j].push((j, Origin::Diag(j)));
        }
        for j in 0..n {
            for k in a.colptr[j]..a.colptr[j + 1] {
                cols[n + a.rowidx[k]].push((j, Origin::A(k)));
            }
        }
        for i in 0..m {
            cols[n + i].push((n + i, Origin::Rho(i)));
        }
        // AMD on the pattern (duplicates on the diagonal are ignored by the ordering).
        let mut cp = vec![0usize; dim + 1];
        let mut ri = Vec::new();
        for (j, c) in cols.iter().enumerate() {
            ri.extend(c.iter().map(|&(i, _)| i));
            cp[j + 1] = ri.len();
        }
        let perm = amd::amd_order(dim, &cp, &ri);
        let mut pinv = vec![0usize; dim];
        for (k, &v) in perm.iter().enumerate() {
            pinv[v] = k;
        }
        // Permuted upper triangle; P's diagonal and σ share one slot (summed on assembly).
        let mut count = vec![0usize; dim + 1];
        let mut placed: Vec<(usize, usize, Origin)> = Vec::with_capacity(ri.len());
        for (j, c) in cols.iter().enumerate() {
            for &(i, o) in c {
                let (a_, b_) = (pinv[i], pinv[j]);
                placed.push((a_.min(b_), a_.max(b_), o));
            }
        }
        let mut diag_slot = vec![usize::MAX; n];
        let mut p_slot = vec![0usize; p.nnz()];
        let mut p_diag = vec![false; p.nnz()];
        let mut a_slot = vec![0usize; a.nnz()];
        let mut rho_slot = vec![0usize; m];
        for j in 0..n {
            for k in p.colptr[j]..p.colptr[j + 1] {
                p_diag[k] = p.rowidx[k] == j;
            }
        }
        // P's diagonal entries share the Diag(j) slot (σ is added to them): not placed apart.
        let placed_here = |o: &Origin| !matches!(o, Origin::P(k) if p_diag[*k]);
        for (_, c, o) in &placed {
            if placed_here(o) {
                count[c + 1] += 1;
            }
        }
        for j in 0..dim {
            count[j + 1] += count[j];
        }
        let colptr = count.clone();
        let nnz = colptr[dim];
        let mut next = count;
        let mut rowidx = vec![0usize; nnz];
        for (r, c, o) in &placed {
            if !placed_here(o) {
                continue;
            }
            let s = next[*c];
            next[*c] += 1;
            rowidx[s] = *r;
            match *o {
                Origin::P(k) => p_slot[k] = s,
                Origin::Diag(j) => diag_slot[j] = s,
                Origin::A(k) => a_slot[k] = s,
                Origin::Rho(i) => rho_slot[i] = s,
            }
        }
        for j in 0..n {
            for k in p.colptr[j]..p.colptr[j + 1] {
                if p_diag[k] {
                    p_slot[k] = diag_slot[j];
                }
            }
        }
        let sym = Symbolic::new(dim, &colptr, &rowidx).map_err(|_| KktError::Singular)?;
        if sym.nnz() > MAX_FACTOR_NNZ {
            return Err(KktError::TooLarge { nnz: sym.nnz() });
        }
        let mut kkt = LdlKkt {
            n,
            m,
            sigma,
            colptr,
            rowidx,
            values: vec![0.0; nnz],
            perm,
            p_slot,
            p_diag,
            diag_slot,
            a_slot,
            rho_slot,
            factor: Factor::new(sym),
            work: vec![0.0; dim],
            polish: None,
        };
        kkt.write_matrices(p, a);
        kkt.write_rho(rho);
        kkt.refactor()?;
        Ok(kkt)
    }

    pub fn nnz_l(&self) -> usize {
        self.factor.nnz()
    }

    fn write_matrices(&mut self, p: &Csc, a: &Csc) {
        for j in 0..self.n {
            self.values[self.diag_slot[j]] = self.sigma;
        }
        for k in 0..p.nnz() {
            if self.p_diag[k] {
                self.values[self.p_slot[k]] += p.values[k];
            } else {
                self.values[self.p_slot[k]] = p.values[k];
            }
        }
        for k in 0..a.nnz() {
            self.values[self.a_slot[k]] = a.values[k];
        }
    }

    fn write_rho(&mut self, rho: &[f64]) {
        for i in 0..self.m {
            self.values[self.rho_slot[i]] = -1.0 / rho[i];
        }
    }

    fn refactor(&mut self) -> Result<(), KktError> {
        match self.factor.factor(&self.colptr, &self.rowidx, &self.values) {
            Ok(()) => {}
            Err(LdlError::ZeroPivot(_)) | Err(LdlError::NonFinitePivot(_)) | Err(LdlError::NotUpperTriangular) => {
                return Err(KktError::Singular)
            }
        }
        if self.factor.positive != self.n {
            return Err(KktError::WrongInertia { positive: self.factor.positive, expected: self.n });
        }
        Ok(())
    }
}

impl LdlKkt {
    /// Factors the polishing system on the same pattern (so no new ordering or analysis):
    /// [P + δI, Aₐᵀ; Aₐ, −δI] on the `active` rows, whose A entries are kept; inactive rows
    /// get 0 entries and −1 on the diagonal, which decouples them.
    pub fn factor_polish(&mut self, p: &Csc, a: &Csc, delta: f64, active: &[bool]) -> Result<(), KktError> {
        let (values, factor) = self.polish.get_or_insert_with(|| (vec![0.0; self.values.len()], self.factor.clone()));
        values.iter_mut().for_each(|v| *v = 0.0);
        for j in 0..self.n {
            values[self.diag_slot[j]] = delta;
        }
        for k in 0..p.nnz() {
            values[self.p_slot[k]] += p.values[k];
        }
        for j in 0..a.ncols {
            for k in a.colptr[j]..a.colptr[j + 1] {
                values[self.a_slot[k]] = if active[a.rowidx[k]] { a.values[k] } else { 0.0 };
            }
        }
        for i in 0..self.m {
            values[self.rho_slot[i]] = if active[i] { -delta } else { -1.0 };
        }
        factor.factor(&self.colptr, &self.rowidx, values).map_err(|_| KktError::Singular)?;
        if factor.positive != self.n {
            return Err(KktError::WrongInertia { positive: factor.positive, expected: self.n });
        }
        Ok(())
    }

    /// Solves with the last `factor_polish` factorisation, in place.
    pub fn solve_polish(&mut self, rhs: &mut [f64]) {
        let Some((_, factor)) = &self.polish else { return };
        for (k, &v) in self.perm.iter().enumerate() {
            self.work[k] = rhs[v];
        }
        factor.solve(&mut self.work);
        for (k, &v) in self.perm.iter().enumerate() {
            rhs[v] = self.work[k];
        }
    }
}

impl KktSolver for LdlKkt {
    fn solve(&mut self, rhs: &mut [f64]) {
        for (k, &v) in self.perm.iter().enumerate() {
            self.work[k] = rhs[v];
        }
        self.factor.solve(&mut self.work);
        for (k, &v) in self.perm.iter().enumerate() {
            rhs[v] = self.work[k];
        }
    }

    fn update_rho(&mut self, rho: &[f64]) -> Result<(), KktError> {
        self.write_rho(rho);
        self.refactor()
    }

    fn update_matrices(&mut self, p: &Csc, a: &Csc) -> Result<(), KktError> {
        self.write_matrices(p, a);
        self.refactor()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csc::CscRef;

    #[test]
    fn solves_the_kkt_system_and_follows_rho_updates() {
        // P = [[4, 1], [1, 2]] (upper), A = [[1, 1], [1, 0], [0, 1]].
        let p = Csc::from_ref(&CscRef { nrows: 2, ncols: 2, colptr: &[0, 1, 3], rowidx: &[0, 0, 1], values: &[4.0, 1.0, 2.0] }, "P", true).unwrap();
        let a = Csc::from_ref(
            &CscRef { nrows: 3, ncols: 2, colptr: &[0, 2, 4], rowidx: &[0, 1, 0, 2], values: &[1.0, 1.0, 1.0, 1.0] },
            "A",
            false,
        )
        .unwrap();
        let sigma = 1e-6;
        for rho in [[0.1, 0.1, 0.1], [10.0, 1e-3, 5.0]] {
            let mut kkt = LdlKkt::new(&p, &a, sigma, &[0.1, 0.1, 0.1]).unwrap();
            kkt.update_rho(&rho).unwrap();
            let b = [1.0, -2.0, 0.5, 3.0, -1.0];
            let mut x = b;
            kkt.solve(&mut x);
            // Residual with the dense KKT matrix.
            let dense = [
                [4.0 + sigma, 1.0, 1.0, 1.0, 0.0],
                [1.0, 2.0 + sigma, 1.0, 0.0, 1.0],
                [1.0, 1.0, -1.0 / rho[0], 0.0, 0.0],
                [1.0, 0.0, 0.0, -1.0 / rho[1], 0.0],
                [0.0, 1.0, 0.0, 0.0, -1.0 / rho[2]],
            ];
            for i in 0..5 {
                let r: f64 = (0..5).map(|j| dense[i][j] * x[j]).sum();
                assert!((r - b[i]).abs() < 1e-9 * (1.0 + b[i].abs()), "row {i}: {r} vs {}", b[i]);
            }
        }
    }

    #[test]
    fn detects_a_nonconvex_p_by_inertia() {
        let p = Csc::from_ref(&CscRef { nrows: 2, ncols: 2, colptr: &[0, 1, 2], rowidx: &[0, 1], values: &[1.0, -1.0] }, "P", true).unwrap();
        let a = Csc::zeros(0, 2);
        assert!(matches!(LdlKkt::new(&p, &a, 1e-6, &[]), Err(KktError::WrongInertia { .. })));
    }
}
