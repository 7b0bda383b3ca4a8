//! The workspace: everything a problem needs, allocated at setup; `solve` runs ADMM on it and
//! the update methods change data in place, keeping the KKT pattern and its analysis.
use std::time::Instant;

use crate::admm::{self, Iterates};
use crate::csc::norm_inf;
use crate::data::ScaledData;
use crate::error::{QpError, QpResult};
use crate::infeasibility::{is_dual_infeasible, is_primal_infeasible};
use crate::info::Info;
use crate::kkt::{KktError, KktSolver, LdlKkt};
use crate::polish::{PolishParams, Polisher};
use crate::problem::{check_bounds, check_vector, Problem};
use crate::residuals::{self, ResidualWork, Residuals};
use crate::rho::{self, Rho};
use crate::scaling::Scaling;
use crate::settings::{Settings, SettingsUpdate};
use crate::solution::Solution;
use crate::status::{PolishStatus, Status};
use crate::termination::{self, Tolerances, Verdict};

pub struct Workspace {
    settings: Settings,
    /// The problem in user units (updates land here first).
    prob: Problem,
    data: ScaledData,
    scaling: Scaling,
    rho: Rho,
    kkt: LdlKkt,
    it: Iterates,
    res_work: ResidualWork,
    tmp_n: Vec<f64>,
    tmp_m: Vec<f64>,
    polisher: Option<Polisher>,
    debug: bool,
    setup_ms: f64,
    solved_once: bool,
    /// Set by `warm_start`: the next solve starts from the given point even without the
    /// `warm_start` setting.
    pending_warm_start: bool,
    info: Info,
    solution: Solution,
}

fn kkt_error(e: KktError) -> QpError {
    match e {
        KktError::WrongInertia { positive, expected } => QpError::nonconvex(format!(
            "P is not positive semidefinite (the KKT matrix has {positive} positive pivots, a convex QP has {expected})"
        )),
        KktError::Singular => QpError::nonconvex("the KKT matrix is singular: P is not positive semidefinite or the data is degenerate"),
        KktError::TooLarge { nnz } => QpError::capacity(format!(
            "the KKT factor would have {nnz} nonzeros (limit {}): the problem is too large or too dense for the direct solver",
            crate::kkt::MAX_FACTOR_NNZ
        )),
    }
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

impl Workspace {
    /// Validates `settings`, scales the problem, orders and factors the KKT matrix.
    pub fn new(prob: Problem, settings: Settings) -> QpResult<Workspace> {
        let t0 = Instant::now();
        settings.validate()?;
        let (n, m) = (prob.n, prob.m);
        let (data, scaling) = ScaledData::new(&prob, settings.scaling_iterations);
        let rho = Rho::new(settings.rho, &data.l, &data.u);
        let kkt = LdlKkt::new(&data.p, &data.a, settings.sigma, &rho.vec).map_err(kkt_error)?;
        let mut ws = Workspace {
            settings,
            prob,
            data,
            scaling,
            rho,
            kkt,
            it: Iterates::new(n, m),
            res_work: ResidualWork::new(n, m),
            tmp_n: vec![0.0; n],
            tmp_m: vec![0.0; m],
            polisher: None,
            debug: std::env::var_os("KEEL_QP_DEBUG").is_some(),
            setup_ms: 0.0,
            solved_once: false,
            pending_warm_start: false,
            info: Info::empty(),
            solution: Solution::default(),
        };
        ws.setup_ms = secs(t0) * 1e3;
        if ws.debug {
            eprintln!("keel-qp setup: n={n} m={m} nnz(P)={} nnz(A)={} nnz(L)={} setup {:.1} ms", ws.prob.p.nnz(), ws.prob.a.nnz(), ws.kkt.nnz_l(), ws.setup_ms);
        }
        ws.info.setup_time_ms = ws.setup_ms;
        Ok(ws)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }
    pub fn problem(&self) -> &Problem {
        &self.prob
    }
    pub fn info(&self) -> &Info {
        &self.info
    }
    pub fn solution(&self) -> &Solution {
        &self.solution
    }
    /// Nonzeros of the KKT factor L (a measure of the work per iteration).
    pub fn factor_nnz(&self) -> usize {
        self.kkt.nnz_l()
    }

    /// Runs ADMM from the current iterates (or zeros without warm start); see `info()` and
    /// `solution()` for the outcome.
    pub fn solve(&mut self) -> (&Info, &Solution) {
        let t_start = Instant::now();
        let st = self.settings.clone();
        if !st.warm_start && !self.pending_warm_start {
            self.it.cold_start();
        }
        self.pending_warm_start = false;
        let (n, m) = (self.prob.n, self.prob.m);
        let tol = Tolerances { eps_abs: st.eps_abs, eps_rel: st.eps_rel, eps_prim_inf: st.eps_prim_inf, eps_dual_inf: st.eps_dual_inf };
        // The first solve's time limit also covers the setup, as in OSQP.
        let budget = if st.time_limit_sec > 0.0 {
            st.time_limit_sec - if self.solved_once { 0.0 } else { self.setup_ms / 1e3 }
        } else {
            f64::INFINITY
        };
        let rho_every = match (st.adaptive_rho, st.adaptive_rho_interval) {
            (false, _) => 0,
            (true, 0) => rho::default_interval(st.check_termination),
            (true, k) => k,
        };
        let params = |accept| PolishParams {
            delta: st.polish_delta,
            refine_iter: st.polish_refine_iter,
            scaled_termination: st.scaled_termination,
            accept,
        };
        if st.polish {
            self.polisher.get_or_insert_with(|| Polisher::new(n, m)).begin_solve();
        }

        let mut verdict = Verdict::Continue;
        let mut limit: Option<Status> = None;
        let mut res = Residuals::default();
        let mut res_iter = 0u32;
        let mut rho_updates = 0u32;
        let mut iter = 0u32;
        let mut polished_early = false;
        for k in 1..=st.max_iter {
            iter = k;
            let Workspace { it, data, rho, kkt, .. } = self;
            it.shift();
            admm::update_xz_tilde(it, data, rho, st.sigma, kkt);
            admm::update_x(it, st.alpha);
            admm::update_z(it, data, rho, st.alpha);
            admm::update_y(it, rho, st.alpha);

            if secs(t_start) >= budget {
                limit = Some(Status::TimeLimitReached);
                break;
            }
            let check_now = st.check_termination > 0 && k % st.check_termination == 0;
            let adapt_now = rho_every > 0 && k % rho_every == 0;
            if check_now || adapt_now {
                res = self.residuals();
                res_iter = k;
            }
            if check_now && self.debug {
                eprintln!(
                    "it {k:6} prim {:.2e}/{:.2e} dual {:.2e}/{:.2e} gap {:.2e}/{:.2e} rho {:.2e} est {:.2e}",
                    res.prim,
                    tol.eps_abs + tol.eps_rel * res.prim_norm,
                    res.dual,
                    tol.eps_abs + tol.eps_rel * res.dual_norm,
                    res.gap,
                    tol.eps_abs + tol.eps_rel * res.gap_norm,
                    self.rho.value,
                    rho::estimate(self.rho.value, &res.scaled)
                );
            }
            if check_now {
                verdict = self.check(&res, tol);
                if verdict != Verdict::Continue {
                    break;
                }
                // Early polish: once the active set settles, a polished point that meets the
                // tolerances ends the run.
                if let Some(pol) = self.polisher.as_mut().filter(|_| st.polish) {
                    if pol.active_set_settled(&self.data, &self.it.z, &self.it.y, k) {
                        let Workspace { data, scaling, it, kkt, res_work, .. } = self;
                        if let Some(r) = pol.polish(data, scaling, it, &res, kkt, res_work, &params(Some(tol))) {
                            res = r;
                            verdict = Verdict::Solved;
                            polished_early = true;
                            break;
                        }
                    }
                }
            }
            if adapt_now {
                let proposed = rho::estimate(self.rho.value, &res.scaled);
                let band = st.adaptive_rho_tolerance;
                if proposed > self.rho.value * band || proposed < self.rho.value / band {
                    self.rho.set_value(proposed);
                    rho_updates += 1;
                    if self.kkt.update_rho(&self.rho.vec).is_err() {
                        verdict = Verdict::Diverged;
                        break;
                    }
                }
            }
        }

        // The last iterate may not have been checked (iteration/time limit, or no checks).
        if verdict == Verdict::Continue {
            if res_iter != iter {
                res = self.residuals();
            }
            verdict = self.check(&res, tol);
            if verdict == Verdict::Continue && self.check(&res, tol.loosened()) == Verdict::Solved {
                verdict = Verdict::Solved;
                limit = Some(Status::SolvedInaccurate);
            }
        }
        let mut status = match verdict {
            Verdict::Solved => limit.filter(|s| *s == Status::SolvedInaccurate).unwrap_or(Status::Solved),
            Verdict::PrimalInfeasible => Status::PrimalInfeasible,
            Verdict::DualInfeasible => Status::DualInfeasible,
            Verdict::Diverged => Status::NumericalError,
            Verdict::Continue => limit.unwrap_or(Status::MaxIterReached),
        };
        let solve_ms = secs(t_start) * 1e3;

        // Polishing: a solved point is kept only if polishing improves it; an unfinished run
        // becomes `solved` only if the polished point meets the tolerances.
        let t_pol = Instant::now();
        let mut polish_status = if polished_early { PolishStatus::Success } else { PolishStatus::NotRun };
        if let Some(pol) = self.polisher.as_mut().filter(|_| st.polish && !polished_early) {
            let accept = match status {
                Status::Solved => Some(None),
                Status::SolvedInaccurate | Status::MaxIterReached | Status::TimeLimitReached => Some(Some(tol)),
                _ => None,
            };
            if let Some(accept) = accept {
                let Workspace { data, scaling, it, kkt, res_work, .. } = self;
                let ok = pol.polish(data, scaling, it, &res, kkt, res_work, &params(accept)).is_some();
                polish_status = if ok { PolishStatus::Success } else { PolishStatus::Failed };
                if ok {
                    status = Status::Solved;
                }
            }
        }
        let polish_ms = if polish_status == PolishStatus::NotRun || polished_early { 0.0 } else { secs(t_pol) * 1e3 };

        self.store(status, n, m);
        self.info.status = status;
        self.info.iterations = iter;
        self.info.rho = self.rho.value;
        self.info.rho_updates = rho_updates;
        self.info.polish = polish_status;
        self.info.setup_time_ms = self.setup_ms;
        self.info.solve_time_ms = solve_ms;
        self.info.polish_time_ms = polish_ms;
        self.solved_once = true;
        (&self.info, &self.solution)
    }

    fn residuals(&mut self) -> Residuals {
        residuals::compute(
            &self.data,
            &self.scaling,
            &self.it.x,
            &self.it.z,
            &self.it.y,
            &mut self.res_work,
            self.settings.scaled_termination,
        )
    }

    fn check(&mut self, res: &Residuals, tol: Tolerances) -> Verdict {
        let Workspace { data, scaling, it, tmp_m, tmp_n, settings, .. } = self;
        let scaled = settings.scaled_termination;
        let m = data.l.len();
        // The two tests need the same scratch vectors; they never run at the same time.
        let scratch = std::cell::RefCell::new((tmp_m, tmp_n));
        termination::check(
            res,
            tol,
            m,
            |eps| {
                let mut s = scratch.borrow_mut();
                let (a, b) = &mut *s;
                is_primal_infeasible(&mut it.delta_y, data, scaling, eps, scaled, a, b)
            },
            |eps| {
                let mut s = scratch.borrow_mut();
                let (a, b) = &mut *s;
                is_dual_infeasible(&it.delta_x, data, scaling, eps, scaled, a, b)
            },
        )
    }

    /// Unscales the result into `solution` and recomputes objective and residuals from the
    /// user data (so the reported residuals do not rely on the scaled arithmetic).
    fn store(&mut self, status: Status, n: usize, m: usize) {
        let s = &self.scaling;
        let sol = &mut self.solution;
        sol.primal_infeasibility_certificate = None;
        sol.dual_infeasibility_certificate = None;
        if status.has_solution() {
            sol.x.resize(n, 0.0);
            sol.y.resize(m, 0.0);
            for j in 0..n {
                sol.x[j] = s.d[j] * self.it.x[j];
            }
            for i in 0..m {
                sol.y[i] = s.cinv * s.e[i] * self.it.y[i];
                self.tmp_m[i] = s.einv[i] * self.it.z[i];
            }
            let w = &mut self.res_work;
            self.prob.a.mul(&sol.x, &mut w.ax);
            let prim = (0..m).fold(0.0f64, |acc, i| acc.max((w.ax[i] - self.tmp_m[i]).abs()));
            self.prob.p.sym_upper_mul(&sol.x, &mut w.px);
            self.prob.a.tmul(&sol.y, &mut w.aty);
            let dual = (0..n).fold(0.0f64, |acc, j| acc.max((w.px[j] + self.prob.q[j] + w.aty[j]).abs()));
            self.info.objective = self.prob.objective(&sol.x);
            self.info.primal_residual = prim;
            self.info.dual_residual = dual;
        } else {
            sol.x.clear();
            sol.y.clear();
            // As OSQP: an infeasible problem's optimum is +∞, an unbounded one's −∞.
            self.info.objective = match status {
                Status::PrimalInfeasible => f64::INFINITY,
                Status::DualInfeasible => f64::NEG_INFINITY,
                _ => f64::NAN,
            };
            self.info.primal_residual = f64::NAN;
            self.info.dual_residual = f64::NAN;
            match status {
                Status::PrimalInfeasible => {
                    let mut c: Vec<f64> = (0..m).map(|i| s.e[i] * self.it.delta_y[i]).collect();
                    let norm = norm_inf(&c);
                    c.iter_mut().for_each(|v| *v /= norm);
                    sol.primal_infeasibility_certificate = Some(c);
                }
                Status::DualInfeasible => {
                    let mut c: Vec<f64> = (0..n).map(|j| s.d[j] * self.it.delta_x[j]).collect();
                    let norm = norm_inf(&c);
                    c.iter_mut().for_each(|v| *v /= norm);
                    sol.dual_infeasibility_certificate = Some(c);
                }
                _ => {}
            }
            // Certificates and diverged iterates are no place to start the next solve from.
            self.it.cold_start();
        }
    }

    // ---- updates ---------------------------------------------------------------------------

    /// New linear cost q (user units).
    pub fn update_q(&mut self, q: &[f64]) -> QpResult<()> {
        check_vector("q", q, self.prob.n)?;
        self.prob.q.copy_from_slice(q);
        self.scaling.scale_q(&self.prob.q, &mut self.data.q);
        Ok(())
    }

    /// New bounds; refactors only when a row changes kind (free / inequality / equality).
    pub fn update_bounds(&mut self, l: &[f64], u: &[f64]) -> QpResult<()> {
        let (l, u) = check_bounds(l, u, self.prob.m)?;
        self.prob.l = l;
        self.prob.u = u;
        self.scaling.scale_bounds(&self.prob.l, &self.prob.u, &mut self.data.l, &mut self.data.u);
        if self.rho.classify(&self.data.l, &self.data.u) {
            self.rho.refresh();
            self.kkt.update_rho(&self.rho.vec).map_err(kkt_error)?;
        }
        Ok(())
    }

    /// New values of P's stored upper-triangle entries (same pattern and order).
    pub fn update_p_values(&mut self, values: &[f64]) -> QpResult<()> {
        check_matrix_values("P.values", values, self.prob.p.nnz())?;
        let old = std::mem::replace(&mut self.prob.p.values, values.to_vec());
        self.refresh_matrices().inspect_err(|_| {
            self.prob.p.values = old;
            let _ = self.refresh_matrices();
        })
    }

    /// New values of A's stored entries (same pattern and order).
    pub fn update_a_values(&mut self, values: &[f64]) -> QpResult<()> {
        check_matrix_values("A.values", values, self.prob.a.nnz())?;
        let old = std::mem::replace(&mut self.prob.a.values, values.to_vec());
        self.refresh_matrices().inspect_err(|_| {
            self.prob.a.values = old;
            let _ = self.refresh_matrices();
        })
    }

    /// Rescales from the user data (as a fresh setup would), carries the iterates over to
    /// the new scaling, and refactors numerically.
    fn refresh_matrices(&mut self) -> QpResult<()> {
        // Iterates to user units under the old scaling.
        let old = self.scaling.clone();
        let new = self.data.rescale(&self.prob, self.settings.scaling_iterations);
        for j in 0..self.prob.n {
            self.it.x[j] *= old.d[j] * new.dinv[j];
        }
        for i in 0..self.prob.m {
            self.it.z[i] *= old.einv[i] * new.e[i];
            self.it.y[i] *= old.e[i] * old.cinv * new.c * new.einv[i];
        }
        self.scaling = new;
        if self.rho.classify(&self.data.l, &self.data.u) {
            self.rho.refresh();
        }
        self.kkt.update_matrices(&self.data.p, &self.data.a).map_err(kkt_error)?;
        self.kkt.update_rho(&self.rho.vec).map_err(kkt_error)
    }

    pub fn update_settings(&mut self, upd: &SettingsUpdate) -> QpResult<()> {
        self.settings.apply(upd)
    }

    /// Sets the starting point of the next solve (user units), used even when the
    /// `warm_start` setting is off. `x` also sets z = Ax; `y` alone keeps x and z; neither
    /// changes nothing.
    pub fn warm_start(&mut self, x: Option<&[f64]>, y: Option<&[f64]>) -> QpResult<()> {
        if let Some(x) = x {
            check_vector("x", x, self.prob.n)?;
        }
        if let Some(y) = y {
            check_vector("y", y, self.prob.m)?;
        }
        if x.is_none() && y.is_none() {
            return Ok(());
        }
        if let Some(x) = x {
            for j in 0..self.prob.n {
                self.it.x[j] = self.scaling.dinv[j] * x[j];
            }
            self.data.a.mul(&self.it.x, &mut self.it.z);
        }
        if let Some(y) = y {
            for i in 0..self.prob.m {
                self.it.y[i] = self.scaling.c * self.scaling.einv[i] * y[i];
            }
        }
        self.pending_warm_start = true;
        Ok(())
    }
}

fn check_matrix_values(path: &str, v: &[f64], nnz: usize) -> QpResult<()> {
    if v.len() != nnz {
        return Err(QpError::input(path, format!("must have one value per stored entry ({nnz}), got {}", v.len())));
    }
    for (k, x) in v.iter().enumerate() {
        if !x.is_finite() {
            return Err(QpError::input(format!("{path}[{k}]"), "must be a finite number"));
        }
    }
    Ok(())
}
