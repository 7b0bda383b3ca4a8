//! Solution polishing (OSQP paper §4): guess the active constraints from the ADMM iterate,
//! solve the equality-constrained QP on them through the δ-regularised reduced KKT system,
//! remove the regularisation's bias by iterative refinement, keep the result only if it
//! improves the residuals.
//!
//! Same departures from OSQP as the TypeScript backend (src/qp/ts/README.md), so both take
//! the same path: the reduced system lives on the ADMM system's pattern (inactive rows
//! decoupled by a −1 diagonal), so polishing needs no new ordering or symbolic analysis;
//! refinement starts from the ADMM point (on a singular reduced system, as at degenerate LP
//! vertices, regularised refinement is a proximal-point iteration converging to the solution
//! nearest that point); if OSQP's active-set guess fails, a second guess keeps only rows with
//! clearly non-zero multipliers; and polishing may run early, once the active set settles.
use crate::admm::Iterates;
use crate::data::ScaledData;
use crate::kkt::LdlKkt;
use crate::residuals::{self, ResidualWork, Residuals};
use crate::scaling::Scaling;
use crate::termination::{self, Tolerances};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Guess {
    /// OSQP's rule: lower-active if z − l < −y (or l = u), upper-active if u − z < y.
    Osqp,
    /// Rows whose multiplier is clearly non-zero: |y| > 1e-6·max(1, ‖y‖∞).
    StrictDual,
}

/// Scratch of polishing, allocated on the first polish of a workspace and reused.
pub struct Polisher {
    active: Vec<bool>,
    lower: Vec<bool>,
    previous: Vec<bool>,
    /// OSQP-rule active set at the last termination check (2: unknown) and at the last early
    /// polish.
    last_seen: Vec<u8>,
    last_tried: Vec<u8>,
    has_tried: bool,
    next_early_iter: u32,
    rhs: Vec<f64>,
    sol: Vec<f64>,
    res: Vec<f64>,
    x: Vec<f64>,
    z: Vec<f64>,
    y: Vec<f64>,
    tmp_n: Vec<f64>,
    tmp_m: Vec<f64>,
}

pub struct PolishParams {
    pub delta: f64,
    pub refine_iter: u32,
    pub scaled_termination: bool,
    /// When set, a polished point must also meet these tolerances to be accepted.
    pub accept: Option<Tolerances>,
}

impl Polisher {
    pub fn new(n: usize, m: usize) -> Self {
        Polisher {
            active: vec![false; m],
            lower: vec![false; m],
            previous: vec![false; m],
            last_seen: vec![2; m],
            last_tried: vec![0; m],
            has_tried: false,
            next_early_iter: 0,
            rhs: vec![0.0; n + m],
            sol: vec![0.0; n + m],
            res: vec![0.0; n + m],
            x: vec![0.0; n],
            z: vec![0.0; m],
            y: vec![0.0; m],
            tmp_n: vec![0.0; n],
            tmp_m: vec![0.0; m],
        }
    }

    /// Resets the early-polish bookkeeping at the start of a solve.
    pub fn begin_solve(&mut self) {
        self.has_tried = false;
        self.next_early_iter = 0;
        self.last_seen.iter_mut().for_each(|v| *v = 2);
    }

    /// True when the OSQP-rule active set is unchanged since the previous check and differs
    /// from the last one tried; after a failed early polish at iteration k the next may come
    /// at 2k, so a wandering active set costs O(log k) factorisations.
    pub fn active_set_settled(&mut self, d: &ScaledData, z: &[f64], y: &[f64], iter: u32) -> bool {
        let mut stable = true;
        let mut differs = !self.has_tried;
        for i in 0..z.len() {
            let lower = z[i] - d.l[i] < -y[i] || d.l[i] == d.u[i];
            let a = u8::from(lower || d.u[i] - z[i] < y[i]);
            stable &= a == self.last_seen[i];
            differs |= a != self.last_tried[i];
            self.last_seen[i] = a;
        }
        if stable && differs && iter >= self.next_early_iter {
            self.last_tried.copy_from_slice(&self.last_seen);
            self.next_early_iter = 2 * iter;
            self.has_tried = true;
            return true;
        }
        false
    }

    fn guess(&mut self, d: &ScaledData, it: &Iterates, guess: Guess) {
        let y_norm = it.y.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        let tau = 1e-6 * y_norm.max(1.0);
        for i in 0..it.z.len() {
            let (lower, upper) = match guess {
                Guess::Osqp => {
                    let lo = it.z[i] - d.l[i] < -it.y[i] || d.l[i] == d.u[i];
                    (lo, !lo && d.u[i] - it.z[i] < it.y[i])
                }
                Guess::StrictDual => {
                    let lo = it.y[i] < -tau || d.l[i] == d.u[i];
                    (lo, !lo && it.y[i] > tau)
                }
            };
            self.active[i] = lower || upper;
            self.lower[i] = lower;
        }
    }

    /// Polishes the iterate `it` whose residuals are `admm`. On success the iterate is
    /// replaced by the polished point and its residuals are returned.
    #[allow(clippy::too_many_arguments)]
    pub fn polish(
        &mut self,
        d: &ScaledData,
        s: &Scaling,
        it: &mut Iterates,
        admm: &Residuals,
        kkt: &mut LdlKkt,
        w: &mut ResidualWork,
        p: &PolishParams,
    ) -> Option<Residuals> {
        let m = it.z.len();
        for (k, guess) in [Guess::Osqp, Guess::StrictDual].into_iter().enumerate() {
            self.guess(d, it, guess);
            if k > 0 && self.active == self.previous {
                continue;
            }
            self.previous.copy_from_slice(&self.active);
            if !self.solve_reduced(d, it, kkt, p) {
                continue;
            }
            let r = residuals::compute(d, s, &self.x, &self.z, &self.y, w, p.scaled_termination);
            let improved = (r.prim < admm.prim && r.dual < admm.dual)
                || (r.prim < admm.prim && admm.dual < 1e-10)
                || (r.dual < admm.dual && admm.prim < 1e-10);
            if improved && p.accept.is_none_or(|tol| termination::meets(&r, tol, m)) {
                it.x.copy_from_slice(&self.x);
                it.z.copy_from_slice(&self.z);
                it.y.copy_from_slice(&self.y);
                return Some(r);
            }
        }
        None
    }

    /// Solves the reduced system for the marked rows into (x, z, y) of the scratch.
    fn solve_reduced(&mut self, d: &ScaledData, it: &Iterates, kkt: &mut LdlKkt, p: &PolishParams) -> bool {
        let (n, m) = (it.x.len(), it.z.len());
        if kkt.factor_polish(&d.p, &d.a, p.delta, &self.active).is_err() {
            return false;
        }
        // b = [−q; l or u on active rows; 0 on inactive rows].
        for j in 0..n {
            self.rhs[j] = -d.q[j];
        }
        for i in 0..m {
            self.rhs[n + i] = if !self.active[i] {
                0.0
            } else if self.lower[i] {
                d.l[i]
            } else {
                d.u[i]
            };
        }
        let b_norm = self.rhs.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        // Start at the ADMM point; refine against K = [P Aₐᵀ; Aₐ 0]: sol += K_δ⁻¹(b − K sol).
        self.sol[..n].copy_from_slice(&it.x);
        for i in 0..m {
            self.sol[n + i] = if self.active[i] { it.y[i] } else { 0.0 };
        }
        for _ in 0..=p.refine_iter {
            let r_norm = self.reduced_residual(d, n, m);
            if !(r_norm > 1e-15 * (1.0 + b_norm)) {
                break;
            }
            kkt.solve_polish(&mut self.res);
            for (a, b) in self.sol.iter_mut().zip(&self.res) {
                *a += b;
            }
        }
        // Candidate: z = Ax, then y ← y + z, z ← Π(y), y ← y − z, so that z ∈ [l, u] and y lies
        // in the normal cone of [l, u] at z.
        self.x.copy_from_slice(&self.sol[..n]);
        d.a.mul(&self.x, &mut self.z);
        for i in 0..m {
            let v = if self.active[i] { self.sol[n + i] } else { 0.0 } + self.z[i];
            let zi = v.max(d.l[i]).min(d.u[i]);
            self.z[i] = zi;
            self.y[i] = v - zi;
        }
        self.x.iter().chain(&self.y).all(|v| v.is_finite())
    }

    /// res = b − K·sol (inactive rows: 0); returns ‖res‖∞.
    fn reduced_residual(&mut self, d: &ScaledData, n: usize, m: usize) -> f64 {
        let (sx, sy) = self.sol.split_at(n);
        for i in 0..m {
            self.tmp_m[i] = if self.active[i] { sy[i] } else { 0.0 };
        }
        d.p.sym_upper_mul(sx, &mut self.tmp_n);
        for j in 0..n {
            self.res[j] = self.rhs[j] - self.tmp_n[j];
        }
        d.a.tmul(&self.tmp_m, &mut self.tmp_n);
        for j in 0..n {
            self.res[j] -= self.tmp_n[j];
        }
        d.a.mul(sx, &mut self.tmp_m);
        for i in 0..m {
            self.res[n + i] = if self.active[i] { self.rhs[n + i] - self.tmp_m[i] } else { 0.0 };
        }
        self.res.iter().fold(0.0f64, |a, v| a.max(v.abs()))
    }
}
