//! Solver scenarios with references computed independently of the solver: closed-form
//! optima, KKT conditions checked from the raw data, certificates verified by hand.
mod common;

use common::{csc_dense, kkt_error};
use keel_qp::{Csc, ErrorKind, Problem, Settings, SettingsUpdate, Status, Workspace};

fn tight() -> Settings {
    Settings { eps_abs: 1e-8, eps_rel: 1e-8, max_iter: 20_000, polish: true, ..Settings::default() }
}

fn basic_problem() -> Problem {
    // min ½(4x₁² + 2x₁x₂·2 + 2x₂²) + x₁ + x₂  s.t.  x₁ + x₂ = 1, 0 ≤ x ≤ 0.7  (OSQP's demo).
    let p = csc_dense(&[&[4.0, 1.0], &[1.0, 2.0]], true);
    let a = csc_dense(&[&[1.0, 1.0], &[1.0, 0.0], &[0.0, 1.0]], false);
    Problem::new(p, vec![1.0, 1.0], a, vec![1.0, 0.0, 0.0], vec![1.0, 0.7, 0.7]).unwrap()
}

#[test]
fn basic_qp_matches_the_closed_form_optimum() {
    let prob = basic_problem();
    let mut ws = Workspace::new(prob.clone(), tight()).unwrap();
    let (info, sol) = ws.solve();
    assert_eq!(info.status, Status::Solved);
    // On x₁ + x₂ = 1: f = 2x₁² − x₁ + 2 is least at x₁ = 0.25, but then x₂ = 0.75 > 0.7, so
    // x₂ = 0.7 binds: x = (0.3, 0.7), f = ½(0.36 + 0.42 + 0.98) + 1 = 1.88.
    assert!((sol.x[0] - 0.3).abs() < 1e-7 && (sol.x[1] - 0.7).abs() < 1e-7, "{:?}", sol.x);
    assert!((info.objective - 1.88).abs() < 1e-7);
    assert!(kkt_error(&prob, &sol.x, &sol.y) < 1e-7);
}

#[test]
fn unconstrained_and_equality_only_problems() {
    // m = 0: x = −P⁻¹q.
    let p = csc_dense(&[&[2.0, 0.0], &[0.0, 8.0]], true);
    let prob = Problem::new(p, vec![-2.0, 4.0], Csc::zeros(0, 2), vec![], vec![]).unwrap();
    let mut ws = Workspace::new(prob, tight()).unwrap();
    let (info, sol) = ws.solve();
    assert_eq!(info.status, Status::Solved);
    assert!((sol.x[0] - 1.0).abs() < 1e-7 && (sol.x[1] + 0.5).abs() < 1e-7);
}

#[test]
fn random_qps_satisfy_kkt_independently() {
    let mut seed = 7u64;
    let mut rnd = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 11) as f64) / ((1u64 << 53) as f64)
    };
    for trial in 0..10 {
        let (n, m) = (20 + trial * 3, 30 + trial * 2);
        // P = MᵀM + 0.1 I with sparse M; A random sparse; bounds around a feasible point.
        let mut dense_m = vec![vec![0.0; n]; n];
        for row in dense_m.iter_mut() {
            for v in row.iter_mut() {
                if rnd() < 0.15 {
                    *v = rnd() * 2.0 - 1.0;
                }
            }
        }
        let mut pd = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in 0..n {
                pd[i][j] = (0..n).map(|k| dense_m[k][i] * dense_m[k][j]).sum::<f64>() + if i == j { 0.1 } else { 0.0 };
            }
        }
        let prow: Vec<&[f64]> = pd.iter().map(|r| r.as_slice()).collect();
        let mut ad = vec![vec![0.0; n]; m];
        for row in ad.iter_mut() {
            for v in row.iter_mut() {
                if rnd() < 0.2 {
                    *v = rnd() * 2.0 - 1.0;
                }
            }
        }
        let arow: Vec<&[f64]> = ad.iter().map(|r| r.as_slice()).collect();
        let q: Vec<f64> = (0..n).map(|_| rnd() * 2.0 - 1.0).collect();
        let l: Vec<f64> = (0..m).map(|i| if i % 5 == 0 { f64::NEG_INFINITY } else { -rnd() }).collect();
        let u: Vec<f64> = (0..m).map(|i| if i % 7 == 0 { l[i].max(-0.5) } else { rnd() }).collect();
        let u: Vec<f64> = u.iter().zip(&l).map(|(&a, &b)| if b.is_finite() { a.max(b) } else { a }).collect();
        let prob = Problem::new(csc_dense(&prow, true), q, csc_dense(&arow, false), l, u).unwrap();
        let mut ws = Workspace::new(prob.clone(), tight()).unwrap();
        let (info, sol) = ws.solve();
        assert_eq!(info.status, Status::Solved, "trial {trial}");
        assert!(kkt_error(&prob, &sol.x, &sol.y) < 1e-6, "trial {trial}: {}", kkt_error(&prob, &sol.x, &sol.y));
    }
}

#[test]
fn primal_infeasible_with_a_valid_certificate() {
    // x₁ + x₂ ≥ 3 and x₁ ≤ 1, x₂ ≤ 1.
    let p = csc_dense(&[&[1.0, 0.0], &[0.0, 1.0]], true);
    let a = csc_dense(&[&[1.0, 1.0], &[1.0, 0.0], &[0.0, 1.0]], false);
    let inf = f64::INFINITY;
    let prob = Problem::new(p, vec![0.0, 0.0], a, vec![3.0, -inf, -inf], vec![inf, 1.0, 1.0]).unwrap();
    let mut ws = Workspace::new(prob.clone(), Settings::default()).unwrap();
    let (info, sol) = ws.solve();
    assert_eq!(info.status, Status::PrimalInfeasible);
    assert!(sol.x.is_empty() && info.objective == f64::INFINITY);
    let dy = sol.primal_infeasibility_certificate.clone().unwrap();
    // Aᵀδy ≈ 0 relative to ‖δy‖ and uᵀmax(δy,0) + lᵀmin(δy,0) < 0, with 0·∞ = 0.
    let mut atdy = vec![0.0; 2];
    prob.a.tmul(&dy, &mut atdy);
    let norm = dy.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    assert!((norm - 1.0).abs() < 1e-12);
    assert!(atdy.iter().all(|v| v.abs() < 1e-3), "{atdy:?}");
    let support: f64 = (0..3).map(|i| if dy[i] > 0.0 { prob.u[i] * dy[i] } else if dy[i] < 0.0 { prob.l[i] * dy[i] } else { 0.0 }).sum();
    assert!(support < 0.0, "support {support}");
    // The next solve starts cold and finds the same outcome.
    assert_eq!(ws.solve().0.status, Status::PrimalInfeasible);
}

#[test]
fn dual_infeasible_with_a_valid_certificate() {
    // min −x₁ − x₂ with x₁ free, 0 ≤ x₂ ≤ 1 and P = diag(0, 1): unbounded along x₁.
    let p = csc_dense(&[&[0.0, 0.0], &[0.0, 1.0]], true);
    let a = csc_dense(&[&[0.0, 1.0]], false);
    let prob = Problem::new(p, vec![-1.0, -1.0], a, vec![0.0], vec![1.0]).unwrap();
    let mut ws = Workspace::new(prob.clone(), Settings::default()).unwrap();
    let (info, sol) = ws.solve();
    assert_eq!(info.status, Status::DualInfeasible);
    let dx = sol.dual_infeasibility_certificate.clone().unwrap();
    let mut pdx = vec![0.0; 2];
    prob.p.sym_upper_mul(&dx, &mut pdx);
    let qdx: f64 = prob.q.iter().zip(&dx).map(|(a, b)| a * b).sum();
    let mut adx = vec![0.0; 1];
    prob.a.mul(&dx, &mut adx);
    assert!(pdx.iter().all(|v| v.abs() < 1e-3) && qdx < 0.0 && adx[0].abs() < 1e-3, "{dx:?}");
}

#[test]
fn updates_then_resolve_equal_a_fresh_solve() {
    let prob = basic_problem();
    let mut ws = Workspace::new(prob.clone(), tight()).unwrap();
    ws.solve();
    let q2 = vec![-1.0, 2.0];
    let (l2, u2) = (vec![0.8, -0.5, 0.1], vec![0.8, 0.9, 0.9]);
    let p2 = vec![5.0, 0.5, 3.0];
    let a2 = vec![1.0, 0.5, 1.0, 2.0];
    ws.update_q(&q2).unwrap();
    ws.update_bounds(&l2, &u2).unwrap();
    ws.update_p_values(&p2).unwrap();
    ws.update_a_values(&a2).unwrap();
    let (info, sol) = ws.solve();
    assert_eq!(info.status, Status::Solved);
    let x_upd = sol.x.clone();

    let mut fresh_p = prob.p.clone();
    fresh_p.values = p2;
    let mut fresh_a = prob.a.clone();
    fresh_a.values = a2;
    let fresh = Problem::new(fresh_p, q2, fresh_a, l2, u2).unwrap();
    let mut ws2 = Workspace::new(fresh.clone(), tight()).unwrap();
    let (info2, sol2) = ws2.solve();
    assert_eq!(info2.status, Status::Solved);
    for j in 0..2 {
        assert!((x_upd[j] - sol2.x[j]).abs() < 1e-7, "{x_upd:?} vs {:?}", sol2.x);
    }
    assert!(kkt_error(&fresh, &x_upd, &ws.solution().y) < 1e-7);
    // A warm re-solve of an unchanged problem needs few iterations.
    ws.update_settings(&SettingsUpdate { polish: Some(false), ..Default::default() }).unwrap();
    assert!(ws.solve().0.iterations <= 50);
}

#[test]
fn limits_and_settings_updates() {
    let prob = basic_problem();
    let mut st = tight();
    st.max_iter = 3;
    st.polish = false;
    let mut ws = Workspace::new(prob, st).unwrap();
    assert!(matches!(ws.solve().0.status, Status::MaxIterReached | Status::SolvedInaccurate));
    assert!(ws.update_settings(&SettingsUpdate { max_iter: Some(0), ..Default::default() }).is_err());
    assert_eq!(ws.settings().max_iter, 3, "a rejected update changes nothing");
}

#[test]
fn bad_input_is_rejected_before_solving() {
    let ok = basic_problem();
    let cases: Vec<(Result<Problem, keel_qp::QpError>, &str)> = vec![
        (Problem::new(ok.p.clone(), vec![1.0, f64::NAN], ok.a.clone(), ok.l.clone(), ok.u.clone()), "q[1]"),
        (Problem::new(ok.p.clone(), vec![1.0], ok.a.clone(), ok.l.clone(), ok.u.clone()), "P"),
        (Problem::new(ok.p.clone(), ok.q.clone(), ok.a.clone(), vec![1.0, 0.5, 0.0], vec![1.0, 0.2, 0.7]), "l[1]"),
        (Problem::new(ok.p.clone(), ok.q.clone(), ok.a.clone(), vec![1.0, 0.0], vec![1.0, 0.7, 0.7]), "A"),
        (Problem::new(ok.p.clone(), ok.q.clone(), ok.a.clone(), vec![1.0, 0.0, f64::INFINITY], vec![1.0, 0.7, f64::INFINITY]), "l[2]"),
        (
            Problem::new(csc_dense(&[&[4.0, 1.0], &[1.0, 2.0]], false), ok.q.clone(), ok.a.clone(), ok.l.clone(), ok.u.clone()),
            "P.rowIdx[1]",
        ),
    ];
    for (r, path) in cases {
        let e = r.expect_err(path);
        assert_eq!((e.kind, e.path.as_str()), (ErrorKind::Input, path), "{e}");
    }
    for (s, path) in [
        (Settings { rho: -1.0, ..Settings::default() }, "settings.rho"),
        (Settings { alpha: 2.0, ..Settings::default() }, "settings.alpha"),
        (Settings { sigma: f64::NAN, ..Settings::default() }, "settings.sigma"),
    ] {
        assert_eq!(Workspace::new(ok.clone(), s).err().unwrap().path, path);
    }
    // A non-convex P is refused at setup when the KKT inertia shows it, i.e. when
    // P + AᵀρA is not positive definite (here x₁ appears in no constraint).
    let p = csc_dense(&[&[-1.0, 0.0], &[0.0, 1.0]], true);
    let a1 = csc_dense(&[&[0.0, 1.0]], false);
    let bad = Problem::new(p, vec![0.0, 0.0], a1.clone(), vec![0.0], vec![1.0]).unwrap();
    assert_eq!(Workspace::new(bad, Settings::default()).err().unwrap().kind, ErrorKind::NonConvex);
    let convex = Problem::new(csc_dense(&[&[1.0, 0.0], &[0.0, 1.0]], true), vec![1.0, 0.0], a1, vec![0.0], vec![1.0]).unwrap();
    let mut ws = Workspace::new(convex, tight()).unwrap();
    assert_eq!(ws.update_p_values(&[-4.0, 2.0]).unwrap_err().kind, ErrorKind::NonConvex);
    assert_eq!(ws.solve().0.status, Status::Solved, "the rejected update was rolled back");
    assert!((ws.solution().x[0] + 1.0).abs() < 1e-7);
    // Updates are validated too, and a rejected one leaves the workspace usable.
    let mut ws = Workspace::new(ok, tight()).unwrap();
    assert_eq!(ws.update_q(&[1.0]).unwrap_err().path, "q");
    assert_eq!(ws.update_bounds(&[2.0, 0.0, 0.0], &[1.0, 0.7, 0.7]).unwrap_err().path, "l[0]");
    assert_eq!(ws.update_p_values(&[1.0, f64::INFINITY, 1.0]).unwrap_err().path, "P.values[1]");
    assert_eq!(ws.solve().0.status, Status::Solved);
    assert!((ws.solution().x[0] - 0.3).abs() < 1e-7);
}
