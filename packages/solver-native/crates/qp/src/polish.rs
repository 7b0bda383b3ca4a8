//! Solution polishing (OSQP paper §4): guess the active constraints from the ADMM solution,
//! solve the equality-constrained QP on them through a δ-regularised reduced KKT system,
//! remove the regularisation's bias by iterative refinement, and keep the result only if it
//! improves the residuals.
use crate::csc::Csc;
use crate::data::ScaledData;
use crate::kkt::{KktSolver, LdlKkt};
use crate::residuals::{self, ResidualWork, Residuals};
use crate::scaling::Scaling;

pub struct Polished {
    pub x: Vec<f64>,
    pub z: Vec<f64>,
    pub y: Vec<f64>,
    pub residuals: Residuals,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Active {
    Lower,
    Upper,
    Inactive,
}

/// Rows of Ã flagged active, in order, as an (m_red × n) matrix.
fn reduced_rows(a: &Csc, active: &[Active]) -> (Csc, Vec<usize>) {
    let mut red_index = vec![usize::MAX; active.len()];
    let mut rows = Vec::new();
    for (i, f) in active.iter().enumerate() {
        if *f != Active::Inactive {
            red_index[i] = rows.len();
            rows.push(i);
        }
    }
    let mut r = Csc::zeros(rows.len(), a.ncols);
    for j in 0..a.ncols {
        for k in a.colptr[j]..a.colptr[j + 1] {
            let ri = red_index[a.rowidx[k]];
            if ri != usize::MAX {
                r.rowidx.push(ri);
                r.values.push(a.values[k]);
            }
        }
        r.colptr[j + 1] = r.rowidx.len();
    }
    (r, rows)
}

/// Returns the polished scaled (x, z, y) when it beats `admm` (the ADMM residuals).
#[allow(clippy::too_many_arguments)]
pub fn polish(
    d: &ScaledData,
    s: &Scaling,
    x: &[f64],
    z: &[f64],
    y: &[f64],
    admm: &Residuals,
    delta: f64,
    refine_iter: u32,
    scaled_termination: bool,
    w: &mut ResidualWork,
) -> Option<Polished> {
    let (n, m) = (x.len(), z.len());
    let active: Vec<Active> = (0..m)
        .map(|i| {
            if z[i] - d.l[i] < -y[i] || d.l[i] == d.u[i] {
                Active::Lower
            } else if d.u[i] - z[i] < y[i] {
                Active::Upper
            } else {
                Active::Inactive
            }
        })
        .collect();
    let (ared, rows) = reduced_rows(&d.a, &active);
    let mred = rows.len();
    let mut kkt = LdlKkt::new(&d.p, &ared, delta, &vec![1.0 / delta; mred]).ok()?;

    // rhs = [−q; l or u of each active row].
    let mut rhs = vec![0.0; n + mred];
    for j in 0..n {
        rhs[j] = -d.q[j];
    }
    for (r, &i) in rows.iter().enumerate() {
        rhs[n + r] = if active[i] == Active::Lower { d.l[i] } else { d.u[i] };
    }
    let mut sol = rhs.clone();
    kkt.solve(&mut sol);

    // Iterative refinement against the unregularised K = [P Aredᵀ; Ared 0].
    let mut resid = vec![0.0; n + mred];
    let mut px = vec![0.0; n];
    let mut atyr = vec![0.0; n];
    let mut ax = vec![0.0; mred];
    for _ in 0..refine_iter {
        let (sx, sy) = sol.split_at(n);
        d.p.sym_upper_mul(sx, &mut px);
        ared.tmul(sy, &mut atyr);
        ared.mul(sx, &mut ax);
        for j in 0..n {
            resid[j] = rhs[j] - px[j] - atyr[j];
        }
        for r in 0..mred {
            resid[n + r] = rhs[n + r] - ax[r];
        }
        kkt.solve(&mut resid);
        for (a, b) in sol.iter_mut().zip(&resid) {
            *a += b;
        }
    }
    if sol.iter().any(|v| !v.is_finite()) {
        return None;
    }

    let xp = sol[..n].to_vec();
    let mut zp = vec![0.0; m];
    d.a.mul(&xp, &mut zp);
    let mut yp = vec![0.0; m];
    for (r, &i) in rows.iter().enumerate() {
        yp[i] = sol[n + r];
    }
    // Make z feasible and y a normal-cone element of [l, u] at z:
    // y ← y + z, z ← Π(y), y ← y − z.
    for i in 0..m {
        let v = yp[i] + zp[i];
        zp[i] = v.max(d.l[i]).min(d.u[i]);
        yp[i] = v - zp[i];
    }
    let r = residuals::compute(d, s, &xp, &zp, &yp, w, scaled_termination);
    let better = (r.prim < admm.prim && r.dual < admm.dual)
        || (r.prim < admm.prim && admm.dual < 1e-10)
        || (r.dual < admm.dual && admm.prim < 1e-10);
    better.then_some(Polished { x: xp, z: zp, y: yp, residuals: r })
}
