//! Ã's pattern with 32-bit indices for the products of every iteration (Ãx, Ãᵀy, ÃΔx): the
//! same values as the scaled matrix, a quarter less memory traffic. Ãx with Ãᵀy run in one pass
//! over the columns; ÃΔx runs row by row (`row_dot`) over a row-major copy, inside the pass of
//! `direction` that needs each row's value once (gathers instead of scattered
//! read-modify-writes, no result vector written and read back; the same bits as the column-wise
//! product). The copy's values are refreshed by `refresh` wherever the scaled values change.
use crate::csc::Csc;

#[derive(Debug, Clone)]
pub struct Pattern32 {
    colptr: Vec<u32>,
    rowidx: Vec<u32>,
    /// Row-major copy: row pointers, column of each entry (ascending within a row), the entry's
    /// index in the CSC arrays, and its value.
    rowptr: Vec<u32>,
    colidx: Vec<u32>,
    src: Vec<u32>,
    row_values: Vec<f64>,
}

impl Pattern32 {
    pub fn new(a: &Csc) -> Pattern32 {
        let (m, n) = (a.nrows, a.ncols);
        let mut rowptr = vec![0u32; m + 1];
        for &i in &a.rowidx {
            rowptr[i + 1] += 1;
        }
        for i in 0..m {
            rowptr[i + 1] += rowptr[i];
        }
        let mut next: Vec<u32> = rowptr[..m].to_vec();
        let mut colidx = vec![0u32; a.nnz()];
        let mut src = vec![0u32; a.nnz()];
        for j in 0..n {
            for k in a.colptr[j]..a.colptr[j + 1] {
                let i = a.rowidx[k];
                let q = next[i] as usize;
                next[i] += 1;
                colidx[q] = j as u32;
                src[q] = k as u32;
            }
        }
        let mut p = Pattern32 {
            colptr: a.colptr.iter().map(|&v| v as u32).collect(),
            rowidx: a.rowidx.iter().map(|&v| v as u32).collect(),
            rowptr,
            colidx,
            src,
            row_values: vec![0.0; a.nnz()],
        };
        p.refresh(&a.values);
        p
    }

    /// Copies the matrix values (CSC order) into the row-major copy.
    pub fn refresh(&mut self, values: &[f64]) {
        for (v, &s) in self.row_values.iter_mut().zip(&self.src) {
            *v = values[s as usize];
        }
    }

    /// Row i of A times x (values from the last `refresh`), summed in column order from +0:
    /// bit for bit what the column-wise product accumulates for that row.
    #[inline]
    pub fn row_dot(&self, i: usize, x: &[f64]) -> f64 {
        let (a, b) = (self.rowptr[i] as usize, self.rowptr[i + 1] as usize);
        self.colidx[a..b].iter().zip(&self.row_values[a..b]).fold(0.0, |s, (&c, &v)| s + v * x[c as usize])
    }

    /// ax = A x and aty = Aᵀ y in one pass over the columns.
    pub fn mul_and_tmul(&self, values: &[f64], x: &[f64], y: &[f64], ax: &mut [f64], aty: &mut [f64]) {
        ax.iter_mut().for_each(|v| *v = 0.0);
        for (j, &xj) in x.iter().enumerate() {
            let (a, b) = (self.colptr[j] as usize, self.colptr[j + 1] as usize);
            let mut s = 0.0;
            for (&i, &v) in self.rowidx[a..b].iter().zip(&values[a..b]) {
                ax[i as usize] += v * xj;
                s += v * y[i as usize];
            }
            aty[j] = s;
        }
    }
}
