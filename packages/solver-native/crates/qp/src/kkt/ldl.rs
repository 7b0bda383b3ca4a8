//! Sparse LDLᵀ of a symmetric quasi-definite matrix given by its upper triangle (CSC),
//! up-looking: row k of L is a sparse triangular solve whose pattern is the reach of the
//! column's entries in the elimination tree (Davis, "Direct Methods for Sparse Linear
//! Systems", §4; the same scheme as QDLDL). No pivoting: quasi-definite matrices factor
//! stably in any symmetric order, which is what makes the AMD order usable as is.
//!
//! `Symbolic` (elimination tree, column counts) is computed once per pattern; `Factor::factor`
//! refactors numerically into preallocated storage, so ρ updates and value updates never
//! allocate.

const NONE: usize = usize::MAX;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LdlError {
    /// The pattern has an entry below the diagonal.
    NotUpperTriangular,
    /// A zero pivot at this (permuted) index: the matrix is singular.
    ZeroPivot(usize),
    /// A pivot that is NaN or infinite.
    NonFinitePivot(usize),
}

#[derive(Debug, Clone)]
pub struct Symbolic {
    n: usize,
    etree: Vec<usize>,
    /// Column pointers of L (strict lower part).
    lp: Vec<usize>,
}

/// Elimination tree and column counts of L (strict lower part) for the upper triangle
/// `colptr`/`rowidx` of an n × n matrix, from the row subtrees; `None` when an entry lies below
/// the diagonal. Shared with `tail_ldl`.
pub(crate) fn etree_and_counts(n: usize, colptr: &[usize], rowidx: &[usize]) -> Option<(Vec<usize>, Vec<usize>)> {
    let mut etree = vec![NONE; n];
    let mut count = vec![0usize; n];
    let mut flag = vec![NONE; n];
    for k in 0..n {
        flag[k] = k;
        for &i0 in &rowidx[colptr[k]..colptr[k + 1]] {
            if i0 > k {
                return None;
            }
            // Walk up from i0 to the first node already visited for row k.
            let mut i = i0;
            while flag[i] != k {
                if etree[i] == NONE {
                    etree[i] = k;
                }
                count[i] += 1;
                flag[i] = k;
                i = etree[i];
            }
        }
    }
    Some((etree, count))
}

impl Symbolic {
    pub fn new(n: usize, colptr: &[usize], rowidx: &[usize]) -> Result<Symbolic, LdlError> {
        let (etree, lnz) = etree_and_counts(n, colptr, rowidx).ok_or(LdlError::NotUpperTriangular)?;
        let mut lp = vec![0usize; n + 1];
        for i in 0..n {
            lp[i + 1] = lp[i] + lnz[i];
        }
        Ok(Symbolic { n, etree, lp })
    }

    /// Nonzeros of the strict lower part of L.
    pub fn nnz(&self) -> usize {
        self.lp[self.n]
    }
}

#[derive(Debug, Clone)]
pub struct Factor {
    sym: Symbolic,
    /// Row indices of L (u32 halves the memory traffic of the solves; n < 2³² always here).
    li: Vec<u32>,
    lx: Vec<f64>,
    d: Vec<f64>,
    dinv: Vec<f64>,
    // Work space of the numeric phase.
    y_vals: Vec<f64>,
    y_used: Vec<bool>,
    y_idx: Vec<usize>,
    elim: Vec<usize>,
    next_space: Vec<usize>,
    /// Per column, where its trailing run of consecutive rows ending at n − 1 starts (the
    /// dense rows AMD orders last make long runs): the solves treat it as a contiguous,
    /// vectorisable axpy / dot product instead of indexed scatter / gather.
    run_start: Vec<usize>,
    /// Number of positive pivots in the last factorisation.
    pub positive: usize,
}

/// Runs shorter than this stay indexed.
const MIN_RUN: usize = 8;

impl Factor {
    pub fn new(sym: Symbolic) -> Factor {
        let (n, nnz) = (sym.n, sym.nnz());
        Factor {
            li: vec![0; nnz],
            lx: vec![0.0; nnz],
            d: vec![0.0; n],
            dinv: vec![0.0; n],
            y_vals: vec![0.0; n],
            y_used: vec![false; n],
            y_idx: vec![0; n],
            elim: vec![0; n],
            next_space: vec![0; n],
            run_start: vec![0; n],
            positive: 0,
            sym,
        }
    }

    pub fn nnz(&self) -> usize {
        self.sym.nnz()
    }

    /// Numeric factorisation of the matrix with the symbolic pattern and these values.
    pub fn factor(&mut self, colptr: &[usize], rowidx: &[usize], values: &[f64]) -> Result<(), LdlError> {
        let n = self.sym.n;
        let etree = &self.sym.etree;
        let lp = &self.sym.lp;
        self.next_space.copy_from_slice(&lp[..n]);
        self.positive = 0;
        for k in 0..n {
            // Scatter column k of the upper triangle (= row k of the lower) into y and find
            // the pattern of row k of L: the union of etree paths from each entry to k.
            let mut nnz_y = 0;
            let mut dk = 0.0;
            for p in colptr[k]..colptr[k + 1] {
                let i = rowidx[p];
                if i == k {
                    dk += values[p];
                    continue;
                }
                self.y_vals[i] = values[p];
                if self.y_used[i] {
                    continue;
                }
                self.y_used[i] = true;
                self.elim[0] = i;
                let mut ne = 1;
                let mut next = etree[i];
                while next != NONE && next < k {
                    if self.y_used[next] {
                        break;
                    }
                    self.y_used[next] = true;
                    self.elim[ne] = next;
                    ne += 1;
                    next = etree[next];
                }
                // Reversed onto y_idx so that y_idx read backwards is a topological order.
                while ne > 0 {
                    ne -= 1;
                    self.y_idx[nnz_y] = self.elim[ne];
                    nnz_y += 1;
                }
            }
            // Sparse triangular solve for row k of L, then its contribution to D[k].
            for t in (0..nnz_y).rev() {
                let c = self.y_idx[t];
                let yc = self.y_vals[c];
                let end = self.next_space[c];
                for j in lp[c]..end {
                    self.y_vals[self.li[j] as usize] -= self.lx[j] * yc;
                }
                let l_kc = yc * self.dinv[c];
                self.li[end] = k as u32;
                self.lx[end] = l_kc;
                dk -= yc * l_kc;
                self.next_space[c] = end + 1;
                self.y_vals[c] = 0.0;
                self.y_used[c] = false;
            }
            if dk == 0.0 {
                return Err(LdlError::ZeroPivot(k));
            }
            if !dk.is_finite() {
                return Err(LdlError::NonFinitePivot(k));
            }
            if dk > 0.0 {
                self.positive += 1;
            }
            self.d[k] = dk;
            self.dinv[k] = 1.0 / dk;
        }
        // Columns fill in increasing row order, so each column's rows are ascending.
        for j in 0..n {
            let (a, b) = (lp[j], lp[j + 1]);
            let mut p = b;
            while p > a && self.li[p - 1] as usize == n - (b - p + 1) {
                p -= 1;
            }
            self.run_start[j] = if b - p >= MIN_RUN { p } else { b };
        }
        Ok(())
    }

    /// Solves L D Lᵀ x = b in place.
    pub fn solve(&self, x: &mut [f64]) {
        let n = self.sym.n;
        assert!(x.len() == n && self.lx.len() == self.li.len() && self.sym.lp.len() == n + 1);
        let lp = &self.sym.lp;
        let (li, lx) = (&self.li[..], &self.lx[..]);
        // SAFETY (unchecked indexing below): lp is non-decreasing with lp[n] = li.len(); every
        // li entry is a row index < n written by `factor`; run_start[j] ∈ [lp[j], lp[j+1]] and
        // the run's rows are n − len .. n − 1; x has length n.
        unsafe {
            for j in 0..n {
                let xj = *x.get_unchecked(j);
                if xj == 0.0 {
                    continue;
                }
                let (a, r, b) = (*lp.get_unchecked(j), *self.run_start.get_unchecked(j), *lp.get_unchecked(j + 1));
                for p in a..r {
                    *x.get_unchecked_mut(*li.get_unchecked(p) as usize) -= lx.get_unchecked(p) * xj;
                }
                if r < b {
                    let tail = x.get_unchecked_mut(n - (b - r)..);
                    for (t, l) in tail.iter_mut().zip(lx.get_unchecked(r..b)) {
                        *t -= l * xj;
                    }
                }
            }
            for i in 0..n {
                *x.get_unchecked_mut(i) *= self.dinv.get_unchecked(i);
            }
            for j in (0..n).rev() {
                let (a, r, b) = (*lp.get_unchecked(j), *self.run_start.get_unchecked(j), *lp.get_unchecked(j + 1));
                let mut s = 0.0;
                for p in a..r {
                    s += lx.get_unchecked(p) * x.get_unchecked(*li.get_unchecked(p) as usize);
                }
                if r < b {
                    s += dot4(lx.get_unchecked(r..b), x.get_unchecked(n - (b - r)..));
                }
                *x.get_unchecked_mut(j) -= s;
            }
        }
    }
}

/// Dot product with four independent accumulators (lets the compiler vectorise it). Shared
/// with `tail_ldl`.
#[inline(always)]
pub(crate) fn dot4(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_and_solves_a_quasi_definite_matrix() {
        // K = [[4, 1, 2], [1, 3, 0], [2, 0, -5]] (upper triangle stored).
        let colptr = [0, 1, 3, 5];
        let rowidx = [0, 0, 1, 0, 2];
        let values = [4.0, 1.0, 3.0, 2.0, -5.0];
        let sym = Symbolic::new(3, &colptr, &rowidx).unwrap();
        let mut f = Factor::new(sym);
        f.factor(&colptr, &rowidx, &values).unwrap();
        assert_eq!(f.positive, 2);
        let b = [1.0, 2.0, 3.0];
        let mut x = b;
        f.solve(&mut x);
        let k = [[4.0, 1.0, 2.0], [1.0, 3.0, 0.0], [2.0, 0.0, -5.0]];
        for i in 0..3 {
            let r: f64 = (0..3).map(|j| k[i][j] * x[j]).sum();
            assert!((r - b[i]).abs() < 1e-14);
        }
    }

    #[test]
    fn reports_singular_and_lower_entries() {
        let sym = Symbolic::new(2, &[0, 1, 3], &[0, 0, 1]).unwrap();
        let mut f = Factor::new(sym);
        // [[1, 1], [1, 1]] is singular.
        assert_eq!(f.factor(&[0, 1, 3], &[0, 0, 1], &[1.0, 1.0, 1.0]), Err(LdlError::ZeroPivot(1)));
        assert!(matches!(Symbolic::new(2, &[0, 2, 3], &[0, 1, 1]), Err(LdlError::NotUpperTriangular)));
    }
}
