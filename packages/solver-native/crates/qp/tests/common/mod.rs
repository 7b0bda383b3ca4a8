//! Helpers shared by the integration tests: dense test matrices and an independent KKT check.
use keel_qp::{Csc, Problem};

/// CSC from dense rows (with `upper`, only the upper triangle: P's storage).
pub fn csc_dense(rows: &[&[f64]], upper: bool) -> Csc {
    let nrows = rows.len();
    let ncols = if nrows > 0 { rows[0].len() } else { 0 };
    let mut m = Csc::zeros(nrows, ncols);
    for j in 0..ncols {
        for (i, row) in rows.iter().enumerate() {
            if row[j] != 0.0 && (!upper || i <= j) {
                m.rowidx.push(i);
                m.values.push(row[j]);
            }
        }
        m.colptr[j + 1] = m.rowidx.len();
    }
    m
}

/// Independent KKT check in user units: primal feasibility, stationarity, complementarity.
pub fn kkt_error(p: &Problem, x: &[f64], y: &[f64]) -> f64 {
    let (n, m) = (p.n, p.m);
    let mut ax = vec![0.0; m];
    let mut px = vec![0.0; n];
    let mut aty = vec![0.0; n];
    p.a.mul(x, &mut ax);
    p.p.sym_upper_mul(x, &mut px);
    p.a.tmul(y, &mut aty);
    let mut err = 0.0f64;
    for j in 0..n {
        err = err.max((px[j] + p.q[j] + aty[j]).abs());
    }
    for i in 0..m {
        err = err.max((p.l[i] - ax[i]).max(0.0)).max((ax[i] - p.u[i]).max(0.0));
        // y < 0 only at the lower bound, y > 0 only at the upper bound.
        if y[i] < 0.0 {
            err = err.max((-y[i]) * (ax[i] - p.l[i]).abs().min(1.0));
        }
        if y[i] > 0.0 {
            err = err.max(y[i] * (p.u[i] - ax[i]).abs().min(1.0));
        }
    }
    err
}

/// Uniform draws in [−1, 1] from a xorshift64 stream (deterministic test data).
#[allow(dead_code)] // each test binary compiles this module; scenarios.rs draws no data
pub fn uniform(seed: u64) -> impl FnMut() -> f64 {
    let mut next = keel_qp::fixtures::xorshift64(seed);
    move || (next() % 20_001) as f64 / 10_000.0 - 1.0
}

/// A random strictly convex QP: P = MᵀM + 0.1·I (M uniform n × n), A with ~80 % of its entries
/// uniform, rows with −∞ / +∞ on some sides, q uniform times `q_scale` (drawn in that order).
#[allow(dead_code)] // scenarios.rs builds no random QP
pub fn random_qp(rnd: &mut impl FnMut() -> f64, n: usize, m: usize, q_scale: f64) -> Problem {
    let md: Vec<Vec<f64>> = (0..n).map(|_| (0..n).map(|_| rnd()).collect()).collect();
    let pd: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| (0..n).map(|k| md[k][i] * md[k][j]).sum::<f64>() + if i == j { 0.1 } else { 0.0 }).collect()).collect();
    let ad: Vec<Vec<f64>> = (0..m).map(|_| (0..n).map(|_| if rnd() > 0.2 { rnd() } else { 0.0 }).collect()).collect();
    let prow: Vec<&[f64]> = pd.iter().map(|r| r.as_slice()).collect();
    let arow: Vec<&[f64]> = ad.iter().map(|r| r.as_slice()).collect();
    let l: Vec<f64> = (0..m).map(|i| if i % 4 == 0 { f64::NEG_INFINITY } else { -1.0 - rnd().abs() }).collect();
    let u: Vec<f64> = (0..m).map(|i| if i % 5 == 1 { f64::INFINITY } else { 1.0 + rnd().abs() }).collect();
    let q: Vec<f64> = (0..n).map(|_| q_scale * rnd()).collect();
    Problem::new(csc_dense(&prow, true), q, csc_dense(&arow, false), l, u).unwrap()
}
