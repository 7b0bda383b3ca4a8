//! A's pattern with 32-bit indices for the products of every iteration (Ãx, Ãᵀy, ÃΔx): the
//! same values as the scaled matrix, a quarter less memory traffic, and Ãx with Ãᵀy in one
//! pass over the matrix.
use crate::csc::Csc;

#[derive(Debug, Clone)]
pub struct Pattern32 {
    colptr: Vec<u32>,
    rowidx: Vec<u32>,
}

impl Pattern32 {
    pub fn new(a: &Csc) -> Pattern32 {
        Pattern32 { colptr: a.colptr.iter().map(|&v| v as u32).collect(), rowidx: a.rowidx.iter().map(|&v| v as u32).collect() }
    }

    /// ax = A x.
    pub fn mul(&self, values: &[f64], x: &[f64], ax: &mut [f64]) {
        ax.iter_mut().for_each(|v| *v = 0.0);
        for (j, &xj) in x.iter().enumerate() {
            if xj == 0.0 {
                continue;
            }
            let (a, b) = (self.colptr[j] as usize, self.colptr[j + 1] as usize);
            for (&i, &v) in self.rowidx[a..b].iter().zip(&values[a..b]) {
                ax[i as usize] += v * xj;
            }
        }
    }

    /// ax = A x and aty = Aᵀ y in one pass.
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
