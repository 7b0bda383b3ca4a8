//! Interior-point scenarios with independent references: closed forms, KKT conditions from the
//! raw data, certificates checked by hand, and the same answers as the ADMM workspace.
mod common;

use common::{csc_dense, kkt_error, random_qp, uniform};
use keel_qp::{Csc, ErrorKind, Method, Problem, Settings, SettingsUpdate, Solver, Status};

fn ipm(eps: f64) -> Settings {
    Settings { method: Method::Ipm, eps_abs: eps, eps_rel: eps, max_iter: 200, ..Settings::default() }
}

#[test]
fn solves_osqps_demo_to_its_closed_form() {
    // min ½xᵀ[[4,1],[1,2]]x + x₁ + x₂ s.t. x₁ + x₂ = 1, 0 ≤ x ≤ 0.7: x = (0.3, 0.7), 1.88.
    let p = Problem::new(
        csc_dense(&[&[4.0, 1.0], &[1.0, 2.0]], true),
        vec![1.0, 1.0],
        csc_dense(&[&[1.0, 1.0], &[1.0, 0.0], &[0.0, 1.0]], false),
        vec![1.0, 0.0, 0.0],
        vec![1.0, 0.7, 0.7],
    )
    .unwrap();
    let mut s = Solver::new(p.clone(), ipm(1e-10)).unwrap();
    let (info, sol) = s.solve();
    assert_eq!(info.status, Status::Solved);
    assert!((sol.x[0] - 0.3).abs() < 1e-8 && (sol.x[1] - 0.7).abs() < 1e-8, "{:?}", sol.x);
    assert!((info.objective - 1.88).abs() < 1e-8);
    assert!(kkt_error(&p, &sol.x, &sol.y) < 1e-8);
    // OSQP's sign convention: the upper bound on x₂ binds, so y₂ > 0.
    assert!(sol.y[2] > 0.0);
}

#[test]
fn rank_deficient_equalities_and_free_rows_are_harmless() {
    // x₁ + x₂ = 1 twice (dependent rows), a free row, and bounds: min ½‖x‖² − x₁.
    let p = Problem::new(
        csc_dense(&[&[1.0, 0.0, 0.0], &[0.0, 1.0, 0.0], &[0.0, 0.0, 1.0]], true),
        vec![-1.0, 0.0, 0.0],
        csc_dense(&[&[1.0, 1.0, 0.0], &[1.0, 1.0, 0.0], &[1.0, 2.0, 3.0], &[0.0, 0.0, 1.0]], false),
        vec![1.0, 1.0, f64::NEG_INFINITY, -1.0],
        vec![1.0, 1.0, f64::INFINITY, 1.0],
    )
    .unwrap();
    let mut s = Solver::new(p.clone(), ipm(1e-9)).unwrap();
    let (info, sol) = s.solve();
    assert_eq!(info.status, Status::Solved);
    // x₁ − x₂ from min ½(x₁² + x₂²) − x₁ on x₁ + x₂ = 1: x = (1, 0, 0).
    assert!((sol.x[0] - 1.0).abs() < 1e-7 && sol.x[1].abs() < 1e-7 && sol.x[2].abs() < 1e-7, "{:?}", sol.x);
    assert!(kkt_error(&p, &sol.x, &sol.y) < 1e-7);
    assert_eq!(sol.y[2], 0.0, "a free row has no multiplier");
}

#[test]
fn agrees_with_admm_on_random_problems() {
    let mut rnd = uniform(12345);
    for trial in 0..5 {
        let (n, m) = (8 + trial, 12 + 2 * trial);
        let p = random_qp(&mut rnd, n, m, 3.0);
        let mut a = Solver::new(p.clone(), Settings { eps_abs: 1e-9, eps_rel: 1e-9, polish: true, max_iter: 50_000, ..Settings::default() }).unwrap();
        let mut b = Solver::new(p.clone(), ipm(1e-9)).unwrap();
        let (ia, _) = a.solve();
        let oa = ia.objective;
        assert_eq!(ia.status, Status::Solved);
        let (ib, sb) = b.solve();
        assert_eq!(ib.status, Status::Solved, "trial {trial}");
        assert!((ib.objective - oa).abs() < 1e-7 * (1.0 + oa.abs()), "trial {trial}: {} vs {oa}", ib.objective);
        assert!(kkt_error(&p, &sb.x, &sb.y) < 1e-6, "trial {trial}");
    }
}

#[test]
fn certificates_of_infeasibility_and_unboundedness() {
    // x₁ + x₂ ≥ 3 with x ≤ 1: infeasible.
    let p = Problem::new(
        csc_dense(&[&[1.0, 0.0], &[0.0, 1.0]], true),
        vec![0.0, 0.0],
        csc_dense(&[&[1.0, 1.0], &[1.0, 0.0], &[0.0, 1.0]], false),
        vec![3.0, f64::NEG_INFINITY, f64::NEG_INFINITY],
        vec![f64::INFINITY, 1.0, 1.0],
    )
    .unwrap();
    let mut s = Solver::new(p.clone(), ipm(1e-6)).unwrap();
    let (info, sol) = s.solve();
    assert_eq!(info.status, Status::PrimalInfeasible);
    let dy = sol.primal_infeasibility_certificate.as_ref().unwrap();
    let mut aty = vec![0.0; 2];
    p.a.tmul(dy, &mut aty);
    let support: f64 = (0..3).map(|i| if dy[i] > 0.0 { p.u[i] * dy[i] } else if dy[i] < 0.0 { p.l[i] * dy[i] } else { 0.0 }).sum();
    assert!(aty.iter().all(|v| v.abs() < 1e-6) && support < -0.1, "{dy:?}");

    // min −x₁ + x₂² with x₁ ≥ 0, −1 ≤ x₂ ≤ 1: unbounded along (1, 0).
    let p = Problem::new(
        csc_dense(&[&[0.0, 0.0], &[0.0, 2.0]], true),
        vec![-1.0, 0.0],
        csc_dense(&[&[1.0, 0.0], &[0.0, 1.0]], false),
        vec![0.0, -1.0],
        vec![f64::INFINITY, 1.0],
    )
    .unwrap();
    let mut s = Solver::new(p, ipm(1e-6)).unwrap();
    let (info, sol) = s.solve();
    assert_eq!(info.status, Status::DualInfeasible);
    let dx = sol.dual_infeasibility_certificate.as_ref().unwrap();
    assert!((dx[0] - 1.0).abs() < 1e-6 && dx[1].abs() < 1e-6, "{dx:?}");
}

#[test]
fn updates_then_resolve_equal_a_fresh_solve_and_warm_starts_help() {
    let mk = |q1: f64, u2: f64, a00: f64| {
        Problem::new(
            csc_dense(&[&[2.0, 0.5], &[0.5, 1.0]], true),
            vec![q1, -2.0],
            csc_dense(&[&[a00, 1.0], &[1.0, -1.0]], false),
            vec![f64::NEG_INFINITY, -0.5],
            vec![1.0, u2],
        )
        .unwrap()
    };
    let mut s = Solver::new(mk(-1.0, 0.5, 1.0), ipm(1e-9)).unwrap();
    let cold_iters = s.solve().0.iterations;
    let next = mk(-1.05, 0.55, 1.02);
    s.update_q(&next.q).unwrap();
    s.update_bounds(&next.l, &next.u).unwrap();
    s.update_a_values(&next.a.values).unwrap();
    let (wi, ws) = s.solve();
    let (warm_obj, warm_iters, warm_x) = (wi.objective, wi.iterations, ws.x.clone());
    let mut fresh = Solver::new(next, ipm(1e-9)).unwrap();
    let (fi, fs) = fresh.solve();
    assert_eq!(fi.status, Status::Solved);
    assert!((warm_obj - fi.objective).abs() < 1e-8);
    assert!(warm_x.iter().zip(&fs.x).all(|(a, b)| (a - b).abs() < 1e-6));
    assert!(warm_iters < cold_iters, "warm {warm_iters} vs cold {cold_iters}");
    // A bound update that turns a row free rebuilds the structure and still solves.
    s.update_bounds(&[f64::NEG_INFINITY, f64::NEG_INFINITY], &[f64::INFINITY, 0.55]).unwrap();
    assert_eq!(s.solve().0.status, Status::Solved);
    s.update_settings(&SettingsUpdate { max_iter: Some(1), ..Default::default() }).unwrap();
    s.update_q(&[5.0, 5.0]).unwrap();
    assert_eq!(s.solve().0.status, Status::MaxIterReached);
}

#[test]
fn a_nonconvex_p_is_an_input_error_as_with_admm() {
    let p = Problem::new(csc_dense(&[&[1.0, 0.0], &[0.0, -1.0]], true), vec![0.0, 0.0], Csc::zeros(0, 2), vec![], vec![]).unwrap();
    let err = Solver::new(p, ipm(1e-6)).err().unwrap();
    assert_eq!(err.kind, ErrorKind::NonConvex);
}

#[test]
fn a_warm_start_blocked_by_a_moved_active_set_falls_back_instead_of_crawling() {
    // min ½‖x‖² + qᵀx + ½(Σx)², −1 ≤ x ≤ 1, |q| large: every bound is active; flipping the sign
    // of q swaps every active side, so a start at the old optimum is blocked at once.
    let n = 40;
    let q: Vec<f64> = (0..n).map(|j| if j % 2 == 0 { 30.0 + j as f64 } else { -30.0 - j as f64 }).collect();
    let prob = keel_qp::fixtures::box_qp(&q);
    let settings = Settings { warm_start: true, polish: true, ..ipm(1e-8) };
    let mut s = Solver::new(prob.clone(), settings.clone()).unwrap();
    let cold = s.solve().0.iterations;
    let flipped: Vec<f64> = q.iter().map(|v| -v).collect();
    s.update_q(&flipped).unwrap();
    let (wi, ws) = s.solve();
    let (warm, warm_obj, warm_x, warm_y) = (wi.iterations, wi.objective, ws.x.clone(), ws.y.clone());
    let mut next = prob.clone();
    next.q = flipped;
    let mut fresh = Solver::new(next.clone(), settings.clone()).unwrap();
    let (fi, fs) = fresh.solve();
    assert_eq!(fi.status, Status::Solved);
    assert!((warm_obj - fi.objective).abs() < 1e-6 * (1.0 + fi.objective.abs()));
    assert!(warm_x.iter().zip(&fs.x).all(|(a, b)| (a - b).abs() < 1e-6));
    assert!(kkt_error(&next, &warm_x, &warm_y) < 1e-6);
    // At most two fallbacks (snapshot → loose snapshot → cold start), each within 3 steps;
    // without them the warm start crawled for 32 iterations.
    assert!(warm <= fi.iterations + 6, "warm {warm} vs fresh {} (cold before the change {cold})", fi.iterations);
    // With `warm_fallback` off the same warm start stays where it is and crawls (still solved).
    let mut off = Solver::new(prob, Settings { warm_fallback: false, ..settings }).unwrap();
    off.solve();
    off.update_q(&next.q).unwrap();
    let (oi, os) = off.solve();
    assert_eq!(oi.status, Status::Solved);
    assert!(kkt_error(&next, &os.x, &os.y) < 1e-6);
    assert!(oi.iterations > warm + 10, "without the fallback {} vs with it {warm}", oi.iterations);
}

#[test]
fn value_updates_small_or_large_equal_a_fresh_solve() {
    // A small move keeps the equilibration (KEEP_SCALING), a large one runs Ruiz again: both
    // must land on the fresh solve's optimum.
    let mk = |kp: f64, ka: f64| {
        Problem::new(
            csc_dense(&[&[4.0 * kp, 1.0 * kp, 0.0], &[0.0, 2.0 * kp, 0.5 * kp], &[0.0, 0.0, 3.0 * kp]], true),
            vec![1.0, -2.0, 0.5],
            csc_dense(&[&[1.0 * ka, 1.0, 1.0], &[1.0, -2.0 * ka, 0.0], &[0.0, 1.0, 3.0 * ka]], false),
            vec![1.0, f64::NEG_INFINITY, -1.0],
            vec![1.0, 0.5, 2.0],
        )
        .unwrap()
    };
    let mut s = Solver::new(mk(1.0, 1.0), Settings { warm_start: true, ..ipm(1e-9) }).unwrap();
    assert_eq!(s.solve().0.status, Status::Solved);
    for (kp, ka) in [(1.01, 0.99), (10.0, 3.0), (1.0, 1.0)] {
        let next = mk(kp, ka);
        s.update_a_values(&next.a.values).unwrap();
        s.update_p_values(&next.p.values).unwrap();
        let (wi, ws) = s.solve();
        let (obj, x) = (wi.objective, ws.x.clone());
        let mut fresh = Solver::new(next, ipm(1e-9)).unwrap();
        let (fi, fs) = fresh.solve();
        assert_eq!(fi.status, Status::Solved);
        assert!((obj - fi.objective).abs() < 1e-8 * (1.0 + fi.objective.abs()), "{kp} {ka}: {obj} vs {}", fi.objective);
        assert!(x.iter().zip(&fs.x).all(|(a, b)| (a - b).abs() < 1e-6), "{kp} {ka}");
    }
}

#[test]
fn a_p_update_that_provably_keeps_p_psd_skips_the_check_and_any_other_is_still_checked() {
    // P = [[2, 1], [1, 2]] ⊕ [3]: x₂'s column is alone. Values in storage order: 2, 1, 2, 3.
    let p = csc_dense(&[&[2.0, 1.0, 0.0], &[1.0, 2.0, 0.0], &[0.0, 0.0, 3.0]], true);
    // Constraints on x₂ and on x₀ + x₁ only, so no row hides an indefinite block of P from the
    // check (it factors P + σI + ρAᵀA, ADMM's verdict: convex where the rows allow movement).
    let a = csc_dense(&[&[1.0, 1.0, 0.0], &[0.0, 0.0, 1.0]], false);
    let prob = Problem::new(p, vec![-1.0, 0.5, -2.0], a, vec![-1.0, 0.0], vec![1.0, 2.0]).unwrap();
    let mut s = Solver::new(prob.clone(), ipm(1e-9)).unwrap();
    assert_eq!(s.solve().0.status, Status::Solved);
    // The lone diagonal falls to 0.5 and a coupled diagonal rises: PSD by construction.
    s.update_p_values(&[2.5, 1.0, 2.0, 0.5]).unwrap();
    let (status, warm) = {
        let i = s.solve().0;
        (i.status, i.objective)
    };
    assert_eq!(status, Status::Solved);
    let mut next = prob.clone();
    next.p.values = vec![2.5, 1.0, 2.0, 0.5];
    let mut fresh = Solver::new(next, ipm(1e-9)).unwrap();
    let fi = fresh.solve().0.objective;
    assert!((warm - fi).abs() < 1e-8, "warm {warm} fresh {fi}");
    // A coupled diagonal that falls makes P indefinite ([[0.4, 1], [1, 2]]): still caught.
    let err = s.update_p_values(&[0.4, 1.0, 2.0, 0.5]).err().unwrap();
    assert_eq!(err.kind, ErrorKind::NonConvex);
    // So is a lone diagonal below zero.
    let err = s.update_p_values(&[2.5, 1.0, 2.0, -1.0]).err().unwrap();
    assert_eq!(err.kind, ErrorKind::NonConvex);
    // The rejected updates left the last accepted values in place.
    assert!((s.solve().0.objective - warm).abs() < 1e-9);
}

#[test]
fn a_warm_resolve_of_unchanged_data_replays_the_cold_path_from_the_snapshot() {
    // The snapshot keeps the regularisation (ρ, δ) of its next step, so re-solving the same data
    // from it retraces the cold solve's last steps: the same answer to the bit, in fewer steps
    // (restarting at the initial ρ, δ took another path to an answer ~1e-13 away).
    let mut rnd = uniform(777);
    let (n, m) = (30, 60);
    let p = random_qp(&mut rnd, n, m, 30.0);
    let mut s = Solver::new(p.clone(), Settings { warm_start: true, polish: true, ..ipm(1e-9) }).unwrap();
    let (cold, x0) = {
        let (i, sol) = s.solve();
        assert_eq!(i.status, Status::Solved);
        (i.iterations, sol.x.clone())
    };
    let (wi, ws) = s.solve();
    assert_eq!(wi.status, Status::Solved);
    assert!(wi.iterations < cold, "warm {} vs cold {cold}", wi.iterations);
    assert_eq!(ws.x, x0, "the re-solve left the cold path");
    assert!(kkt_error(&p, &ws.x, &ws.y) < 1e-6);
}
