//! Compressed sparse column matrices: validation of caller data and the few products the
//! solver needs. Row indices are strictly ascending within each column.
use crate::error::{QpError, QpResult};

#[derive(Debug, Clone, PartialEq)]
pub struct Csc {
    pub nrows: usize,
    pub ncols: usize,
    /// Length `ncols + 1`, non-decreasing, `colptr[0] == 0`, `colptr[ncols] == nnz`.
    pub colptr: Vec<usize>,
    pub rowidx: Vec<usize>,
    pub values: Vec<f64>,
}

/// A CSC matrix as callers hand it over (JS typed arrays: 32-bit indices).
#[derive(Debug, Clone, Copy)]
pub struct CscRef<'a> {
    pub nrows: usize,
    pub ncols: usize,
    pub colptr: &'a [i32],
    pub rowidx: &'a [i32],
    pub values: &'a [f64],
}

impl Csc {
    pub fn zeros(nrows: usize, ncols: usize) -> Self {
        Csc { nrows, ncols, colptr: vec![0; ncols + 1], rowidx: Vec::new(), values: Vec::new() }
    }

    pub fn nnz(&self) -> usize {
        self.rowidx.len()
    }

    /// Validates structure and values of caller data (`name` prefixes error paths, e.g. `A`).
    /// `upper` additionally requires every entry on or above the diagonal.
    pub fn from_ref(m: &CscRef<'_>, name: &str, upper: bool) -> QpResult<Csc> {
        let CscRef { nrows, ncols, colptr, rowidx, values } = *m;
        if colptr.len() != ncols + 1 {
            return Err(QpError::input(
                format!("{name}.colPtr"),
                format!("must have length nCols + 1 = {}, got {}", ncols + 1, colptr.len()),
            ));
        }
        if colptr[0] != 0 {
            return Err(QpError::input(format!("{name}.colPtr[0]"), "must be 0"));
        }
        let nnz = rowidx.len();
        if values.len() != nnz {
            return Err(QpError::input(
                format!("{name}.values"),
                format!("must have the length of rowIdx ({nnz}), got {}", values.len()),
            ));
        }
        let mut cp = Vec::with_capacity(ncols + 1);
        cp.push(0usize);
        for j in 0..ncols {
            let (a, b) = (colptr[j], colptr[j + 1]);
            if b < a || b as i64 > nnz as i64 {
                return Err(QpError::input(
                    format!("{name}.colPtr[{}]", j + 1),
                    format!("must be non-decreasing and at most nnz = {nnz}, got {b} after {a}"),
                ));
            }
            cp.push(b as usize);
        }
        if cp[ncols] != nnz {
            return Err(QpError::input(
                format!("{name}.colPtr[{ncols}]"),
                format!("must equal the number of entries {nnz}, got {}", cp[ncols]),
            ));
        }
        let mut ri = Vec::with_capacity(nnz);
        for j in 0..ncols {
            let mut prev: i64 = -1;
            for k in cp[j]..cp[j + 1] {
                let i = rowidx[k];
                if i < 0 || i as i64 >= nrows as i64 {
                    return Err(QpError::input(
                        format!("{name}.rowIdx[{k}]"),
                        format!("row index {i} out of range [0, {nrows}) in column {j}"),
                    ));
                }
                if (i as i64) <= prev {
                    return Err(QpError::input(
                        format!("{name}.rowIdx[{k}]"),
                        format!("row indices must be strictly ascending within column {j} (got {i} after {prev})"),
                    ));
                }
                if upper && i as usize > j {
                    return Err(QpError::input(
                        format!("{name}.rowIdx[{k}]"),
                        format!("entry ({i}, {j}) is below the diagonal; {name} must be upper-triangular"),
                    ));
                }
                prev = i as i64;
                ri.push(i as usize);
            }
        }
        for (k, v) in values.iter().enumerate() {
            if !v.is_finite() {
                return Err(QpError::input(format!("{name}.values[{k}]"), "must be a finite number"));
            }
        }
        Ok(Csc { nrows, ncols, colptr: cp, rowidx: ri, values: values.to_vec() })
    }

    /// y = A x.
    pub fn mul(&self, x: &[f64], y: &mut [f64]) {
        y.iter_mut().for_each(|v| *v = 0.0);
        for j in 0..self.ncols {
            let xj = x[j];
            if xj == 0.0 {
                continue;
            }
            for k in self.colptr[j]..self.colptr[j + 1] {
                y[self.rowidx[k]] += self.values[k] * xj;
            }
        }
    }

    /// y = Aᵀ x (one dot product per column: reads A once, contiguously).
    pub fn tmul(&self, x: &[f64], y: &mut [f64]) {
        for j in 0..self.ncols {
            let mut s = 0.0;
            for k in self.colptr[j]..self.colptr[j + 1] {
                s += self.values[k] * x[self.rowidx[k]];
            }
            y[j] = s;
        }
    }

    /// y = P x where `self` holds the upper triangle of the symmetric P.
    pub fn sym_upper_mul(&self, x: &[f64], y: &mut [f64]) {
        y.iter_mut().for_each(|v| *v = 0.0);
        for j in 0..self.ncols {
            let xj = x[j];
            let mut s = 0.0;
            for k in self.colptr[j]..self.colptr[j + 1] {
                let i = self.rowidx[k];
                let v = self.values[k];
                if i == j {
                    s += v * xj;
                } else {
                    y[i] += v * xj;
                    s += v * x[i];
                }
            }
            y[j] += s;
        }
    }

    /// ½ xᵀ P x for the symmetric P stored as its upper triangle.
    pub fn sym_upper_quad(&self, x: &[f64]) -> f64 {
        let mut s = 0.0;
        for j in 0..self.ncols {
            for k in self.colptr[j]..self.colptr[j + 1] {
                let i = self.rowidx[k];
                let v = self.values[k] * x[i] * x[j];
                s += if i == j { 0.5 * v } else { v };
            }
        }
        s
    }

    /// The transpose, plus for each entry of `self` its position in the transpose.
    pub fn transpose_with_map(&self) -> (Csc, Vec<usize>) {
        let nnz = self.nnz();
        let mut count = vec![0usize; self.nrows + 1];
        for &i in &self.rowidx {
            count[i + 1] += 1;
        }
        for i in 0..self.nrows {
            count[i + 1] += count[i];
        }
        let colptr = count.clone();
        let mut next = count;
        let mut rowidx = vec![0usize; nnz];
        let mut values = vec![0.0; nnz];
        let mut map = vec![0usize; nnz];
        for j in 0..self.ncols {
            for k in self.colptr[j]..self.colptr[j + 1] {
                let i = self.rowidx[k];
                let dst = next[i];
                next[i] += 1;
                rowidx[dst] = j;
                values[dst] = self.values[k];
                map[k] = dst;
            }
        }
        (Csc { nrows: self.ncols, ncols: self.nrows, colptr, rowidx, values }, map)
    }
}

pub fn norm_inf(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

/// ‖d ∘ v‖∞.
pub fn scaled_norm_inf(d: &[f64], v: &[f64]) -> f64 {
    d.iter().zip(v).fold(0.0f64, |m, (a, b)| m.max((a * b).abs()))
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csc(nrows: usize, ncols: usize, colptr: &[i32], rowidx: &[i32], values: &[f64], upper: bool) -> QpResult<Csc> {
        Csc::from_ref(&CscRef { nrows, ncols, colptr, rowidx, values }, "M", upper)
    }

    #[test]
    fn rejects_malformed_structure_with_paths() {
        let bad = [
            (csc(2, 2, &[0, 1], &[0], &[1.0], false), "M.colPtr"),
            (csc(2, 2, &[1, 1, 1], &[0], &[1.0], false), "M.colPtr[0]"),
            (csc(2, 2, &[0, 2, 1], &[0, 1], &[1.0, 1.0], false), "M.colPtr[2]"),
            (csc(2, 2, &[0, 1, 2], &[0, 2], &[1.0, 1.0], false), "M.rowIdx[1]"),
            (csc(2, 2, &[0, 2, 2], &[1, 0], &[1.0, 1.0], false), "M.rowIdx[1]"),
            (csc(2, 2, &[0, 2, 2], &[0, 0], &[1.0, 1.0], false), "M.rowIdx[1]"),
            (csc(2, 2, &[0, 1, 2], &[0, -5], &[1.0, 1.0], false), "M.rowIdx[1]"),
            (csc(2, 2, &[0, 2, 2], &[0, 1], &[1.0, 1.0], true), "M.rowIdx[1]"),
            (csc(2, 2, &[0, 1, 2], &[0, 1], &[1.0, f64::NAN], false), "M.values[1]"),
            (csc(2, 2, &[0, 1, 2], &[0, 1], &[1.0], false), "M.values"),
            (csc(2, 2, &[0, 1, 9], &[0, 1], &[1.0, 2.0], false), "M.colPtr[2]"),
        ];
        for (r, path) in bad {
            assert_eq!(r.expect_err("must fail").path, path);
        }
    }

    #[test]
    fn products_match_dense() {
        // P = [[4, 1], [1, 2]] stored upper; A = [[1, 2], [0, 3], [5, 0]].
        let p = csc(2, 2, &[0, 1, 3], &[0, 0, 1], &[4.0, 1.0, 2.0], true).unwrap();
        let a = csc(3, 2, &[0, 2, 4], &[0, 2, 0, 1], &[1.0, 5.0, 2.0, 3.0], false).unwrap();
        let x = [1.5, -2.0];
        let mut y = [0.0; 2];
        p.sym_upper_mul(&x, &mut y);
        assert_eq!(y, [4.0 * 1.5 - 2.0, 1.5 - 4.0]);
        assert!((p.sym_upper_quad(&x) - 0.5 * (1.5 * y[0] - 2.0 * y[1])).abs() < 1e-15);
        let mut ax = [0.0; 3];
        a.mul(&x, &mut ax);
        assert_eq!(ax, [1.5 - 4.0, -6.0, 7.5]);
        let mut aty = [0.0; 2];
        a.tmul(&[1.0, 2.0, 3.0], &mut aty);
        assert_eq!(aty, [16.0, 8.0]);
        let (at, map) = a.transpose_with_map();
        for j in 0..2 {
            for k in a.colptr[j]..a.colptr[j + 1] {
                assert_eq!(at.values[map[k]], a.values[k]);
                assert_eq!(at.rowidx[map[k]], j);
            }
        }
    }
}
