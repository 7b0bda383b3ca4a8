//! Ã's pattern with 32-bit indices for the products of every iteration (Ãx, Ãᵀy, ÃΔx): the
//! same values as the scaled matrix, a quarter less memory traffic. Ãx runs row by row and Ãᵀy
//! column by column (two passes that can run on two threads); ÃΔx runs row by row (`row_dot`) over a row-major copy, inside the pass of
//! `direction` that needs each row's value once (gathers instead of scattered
//! read-modify-writes, no result vector written and read back; the same bits as the column-wise
//! product). The copy's values are refreshed by `refresh` wherever the scaled values change.
use crate::csc::Csc;

#[derive(Debug, Clone)]
pub struct Pattern32 {
    colptr: Vec<u32>,
    rowidx: Vec<u32>,
    /// Row-major copy: row pointers, column of each entry (ascending within a row), its value,
    /// and where each CSC entry sits in it (values are scattered there in CSC order: sequential
    /// reads, where gathering would read the CSC values at random).
    rowptr: Vec<u32>,
    colidx: Vec<u32>,
    row_values: Vec<f64>,
    dst: Vec<u32>,
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
        let mut row_values = vec![0.0; a.nnz()];
        let mut dst = vec![0u32; a.nnz()];
        for j in 0..n {
            for k in a.colptr[j]..a.colptr[j + 1] {
                let i = a.rowidx[k];
                let q = next[i] as usize;
                next[i] += 1;
                colidx[q] = j as u32;
                row_values[q] = a.values[k];
                dst[k] = q as u32;
            }
        }
        Pattern32 {
            colptr: a.colptr.iter().map(|&v| v as u32).collect(),
            rowidx: a.rowidx.iter().map(|&v| v as u32).collect(),
            rowptr,
            colidx,
            row_values,
            dst,
        }
    }

    /// Copies the matrix values (CSC order) into the row-major copy.
    pub fn refresh(&mut self, values: &[f64]) {
        for (&v, &q) in values.iter().zip(&self.dst) {
            self.row_values[q as usize] = v;
        }
    }

    /// Row i of A times x (values from the last `refresh`), summed in column order from +0:
    /// bit for bit what the column-wise product accumulates for that row.
    #[inline]
    pub fn row_dot(&self, i: usize, x: &[f64]) -> f64 {
        let (a, b) = (self.rowptr[i] as usize, self.rowptr[i + 1] as usize);
        self.colidx[a..b].iter().zip(&self.row_values[a..b]).fold(0.0, |s, (&c, &v)| s + v * x[c as usize])
    }

    /// Column and value of row i's first entry (the only one of an absorbed row): read from the
    /// row-major copy, so a pass over rows in order reads it in order.
    #[inline]
    pub fn first(&self, i: usize) -> (usize, f64) {
        let p = self.rowptr[i] as usize;
        (self.colidx[p] as usize, self.row_values[p])
    }

    /// `row_dot` of each row in `rows` into `out` (same bits), four rows at a time in step:
    /// a long row's sum is a chain of dependent additions, four chains overlap.
    pub fn rows_dot(&self, rows: &[u32], x: &[f64], out: &mut [f64]) {
        let mut q = 0;
        while q + 4 <= rows.len() {
            let r: [usize; 4] = std::array::from_fn(|t| rows[q + t] as usize);
            let a: [usize; 4] = std::array::from_fn(|t| self.rowptr[r[t]] as usize);
            let b: [usize; 4] = std::array::from_fn(|t| self.rowptr[r[t] + 1] as usize);
            let len = (0..4).map(|t| b[t] - a[t]).min().unwrap_or(0);
            let mut s = [0.0f64; 4];
            let (c0, c1, c2, c3) = (&self.colidx[a[0]..a[0] + len], &self.colidx[a[1]..a[1] + len], &self.colidx[a[2]..a[2] + len], &self.colidx[a[3]..a[3] + len]);
            let (v0, v1, v2, v3) = (&self.row_values[a[0]..a[0] + len], &self.row_values[a[1]..a[1] + len], &self.row_values[a[2]..a[2] + len], &self.row_values[a[3]..a[3] + len]);
            for p in 0..len {
                s[0] += v0[p] * x[c0[p] as usize];
                s[1] += v1[p] * x[c1[p] as usize];
                s[2] += v2[p] * x[c2[p] as usize];
                s[3] += v3[p] * x[c3[p] as usize];
            }
            for t in 0..4 {
                let (c, v) = (&self.colidx[a[t] + len..b[t]], &self.row_values[a[t] + len..b[t]]);
                out[q + t] = c.iter().zip(v).fold(s[t], |s, (&c, &v)| s + v * x[c as usize]);
            }
            q += 4;
        }
        for t in q..rows.len() {
            out[t] = self.row_dot(rows[t] as usize, x);
        }
    }

    /// ax = A x row by row (values from the last `refresh`): each row as the column-wise
    /// product accumulates it (`row_dot`).
    pub fn mul(&self, x: &[f64], ax: &mut [f64]) {
        for (i, v) in ax.iter_mut().enumerate() {
            *v = self.row_dot(i, x);
        }
    }

    /// aty = Aᵀ y, column by column.
    pub fn tmul(&self, values: &[f64], y: &[f64], aty: &mut [f64]) {
        for (j, t) in aty.iter_mut().enumerate() {
            let (a, b) = (self.colptr[j] as usize, self.colptr[j + 1] as usize);
            *t = self.rowidx[a..b].iter().zip(&values[a..b]).fold(0.0, |s, (&i, &v)| s + v * y[i as usize]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_dot_gives_the_bits_of_row_dot_row_by_row() {
        // Rows of very different lengths (0 to 300 entries), so the four-in-step part and the
        // tails both run; values spanning magnitudes make any change of summation order visible.
        let (m, n) = (11, 300);
        let mut next = crate::fixtures::xorshift64(0x9e37_79b9_7f4a_7c15);
        let lens = [0usize, 300, 7, 150, 1, 299, 40, 2, 260, 13, 90];
        let mut cols: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for (i, &len) in lens.iter().enumerate() {
            for j in 0..n {
                if (next() % n as u64) < len as u64 || len == n {
                    let v = (next() % 2000) as f64 / 7.0 - 140.0;
                    cols[j].push((i, v * 10f64.powi((next() % 9) as i32 - 4)));
                }
            }
        }
        let mut a = Csc { nrows: m, ncols: n, colptr: vec![0], rowidx: Vec::new(), values: Vec::new() };
        for c in &cols {
            for &(i, v) in c {
                a.rowidx.push(i);
                a.values.push(v);
            }
            a.colptr.push(a.rowidx.len());
        }
        let p = Pattern32::new(&a);
        let x: Vec<f64> = (0..n).map(|j| ((j * 37 % 101) as f64 - 50.0) * 1.1f64.powi(j as i32 % 40)).collect();
        let rows: Vec<u32> = vec![1, 3, 5, 8, 0, 2, 4, 6, 7, 9, 10];
        let mut out = vec![0.0; rows.len()];
        p.rows_dot(&rows, &x, &mut out);
        for (q, &i) in rows.iter().enumerate() {
            assert_eq!(out[q].to_bits(), p.row_dot(i as usize, &x).to_bits(), "row {i}");
        }
        // And row i of A·x as the column-wise product accumulates it.
        let mut ax = vec![0.0; m];
        for j in 0..n {
            for k in a.colptr[j]..a.colptr[j + 1] {
                ax[a.rowidx[k]] += a.values[k] * x[j];
            }
        }
        let mut rows_ax = vec![0.0; m];
        p.mul(&x, &mut rows_ax);
        for (q, &i) in rows.iter().enumerate() {
            assert_eq!(out[q].to_bits(), ax[i as usize].to_bits(), "row {i}");
            assert_eq!(rows_ax[i as usize].to_bits(), ax[i as usize].to_bits(), "row {i}");
        }
        // Aᵀy column by column.
        let y: Vec<f64> = (0..m).map(|i| (i as f64 - 4.5) * 0.37).collect();
        let mut aty = vec![0.0; n];
        p.tmul(&a.values, &y, &mut aty);
        for j in 0..n {
            let want = (a.colptr[j]..a.colptr[j + 1]).fold(0.0, |s, k| s + a.values[k] * y[a.rowidx[k]]);
            assert_eq!(aty[j].to_bits(), want.to_bits(), "column {j}");
        }
    }
}
