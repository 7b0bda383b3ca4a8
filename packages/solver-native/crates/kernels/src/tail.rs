//! Tail statistics per holder over equally likely scenarios, on the loss L = −v (`Tail::Low`)
//! or L = v (`Tail::High`). Sorted worst first (ties by scenario index), t = (1 − α)·S snapped to
//! an integer within 1e-9, m = max(1, ⌈t⌉):
//!   var  = L(m),  cvar = (Σ_{i<m} L(i) + (t − (m − 1))·L(m)) / t   (the Rockafellar–Uryasev optimum)
//! and the worst scenario (lowest index among equals) with its raw value. Same arithmetic, same
//! order as the TypeScript fallback: identical bits on identical values.

use crate::threads::{ranges, thread_count};
use crate::{check_count, check_len, InputError};
use std::cmp::Ordering;
use std::thread;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    /// Low values are bad (P&L).
    Low,
    /// High values are bad (margin, exposure).
    High,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TailStats {
    pub tail_count: usize,
    pub var: Vec<f64>,
    pub cvar: Vec<f64>,
    pub worst_scenario: Vec<i32>,
    pub worst_value: Vec<f64>,
}

/// (t, m): the tail's weight in scenarios and the number of scenarios it touches.
pub fn tail_size(alpha: f64, scenarios: usize) -> (f64, usize) {
    let mut t = (1.0 - alpha) * scenarios as f64;
    let r = t.round();
    if r >= 1.0 && (t - r).abs() <= 1e-9 * t.max(1.0) {
        t = r;
    }
    let m = (t.ceil() as usize).clamp(1, scenarios);
    (t, m)
}

fn one_holder(v: &[f64], sign: f64, t: f64, m: usize, loss: &mut Vec<f64>, order: &mut Vec<u32>) -> (f64, f64, i32, f64) {
    loss.clear();
    loss.extend(v.iter().map(|x| sign * x));
    order.clear();
    order.extend(0..v.len() as u32);
    // Values are finite, so partial_cmp is total here; −0 and +0 tie, as in the TS comparator.
    order.sort_unstable_by(|&a, &b| loss[b as usize].partial_cmp(&loss[a as usize]).unwrap_or(Ordering::Equal).then(a.cmp(&b)));
    let mut acc = 0.0;
    for &i in &order[..m - 1] {
        acc += loss[i as usize];
    }
    let lm = loss[order[m - 1] as usize];
    acc += (t - (m - 1) as f64) * lm;
    let w = order[0] as usize;
    (lm, acc / t, w as i32, v[w])
}

/// Tail statistics of a K × S value matrix. Checks sizes and alpha; values must be finite.
pub fn evaluate_tail(values: &[f64], holders: usize, scenarios: usize, alpha: f64, tail: Tail, threads: Option<usize>) -> Result<TailStats, InputError> {
    check_count("holders", holders)?;
    check_count("scenarios", scenarios)?;
    check_len("values", values.len(), holders.checked_mul(scenarios), "holders × scenarios")?;
    if !(0.0..1.0).contains(&alpha) {
        return Err(InputError::new("alpha", format!("must be in [0, 1) (got {alpha})")));
    }
    let (t, m) = tail_size(alpha, scenarios);
    let sign = match tail {
        Tail::Low => -1.0,
        Tail::High => 1.0,
    };
    let mut var = vec![0.0; holders];
    let mut cvar = vec![0.0; holders];
    let mut worst_scenario = vec![0i32; holders];
    let mut worst_value = vec![0.0; holders];
    let run = |k0: usize, k1: usize| -> Vec<(f64, f64, i32, f64)> {
        let (mut loss, mut order) = (Vec::with_capacity(scenarios), Vec::with_capacity(scenarios));
        (k0..k1).map(|k| one_holder(&values[k * scenarios..(k + 1) * scenarios], sign, t, m, &mut loss, &mut order)).collect()
    };
    let nt = threads.unwrap_or_else(|| thread_count(holders as f64 * scenarios as f64 * 8.0)).max(1);
    let rs = ranges(holders, nt, 1);
    let parts: Vec<Vec<(f64, f64, i32, f64)>> = if rs.len() == 1 {
        vec![run(0, holders)]
    } else {
        thread::scope(|sc| {
            let hs: Vec<_> = rs.iter().map(|&(k0, k1)| sc.spawn(move || run(k0, k1))).collect();
            hs.into_iter().map(|h| h.join().expect("tail worker panicked")).collect()
        })
    };
    for (k, (lm, cv, w, wv)) in parts.into_iter().flatten().enumerate() {
        var[k] = lm;
        cvar[k] = cv;
        worst_scenario[k] = w;
        worst_value[k] = wv;
    }
    Ok(TailStats { tail_count: m, var, cvar, worst_scenario, worst_value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::Rng;

    /// Rockafellar–Uryasev: min over ζ of ζ + Σ(L − ζ)⁺/t, attained at a sample loss.
    fn ru_cvar(losses: &[f64], t: f64) -> f64 {
        losses.iter().map(|&z| z + losses.iter().map(|&l| (l - z).max(0.0)).sum::<f64>() / t).fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn snaps_the_tail_size() {
        assert_eq!(tail_size(0.95, 100), (5.0, 5));
        assert_eq!(tail_size(0.975, 50).1, 2);
        assert_eq!(tail_size(0.0, 7), (7.0, 7));
        let (t, m) = tail_size(0.9999, 100);
        assert!((t - 0.01).abs() < 1e-12 && m == 1);
    }

    #[test]
    fn matches_sorting_and_the_ru_minimum() {
        for &(alpha, s, tail) in &[(0.95, 100, Tail::Low), (0.95, 37, Tail::Low), (0.975, 50, Tail::High), (0.0, 20, Tail::Low), (0.5, 9, Tail::High)] {
            let k = 5;
            let mut rng = Rng::new(s as u64);
            let v = rng.vec(k * s, 1000.0, 0.0);
            for threads in [1, 2] {
                let st = evaluate_tail(&v, k, s, alpha, tail, Some(threads)).unwrap();
                let (t, m) = tail_size(alpha, s);
                assert_eq!(st.tail_count, m);
                for kk in 0..k {
                    let row = &v[kk * s..(kk + 1) * s];
                    let losses: Vec<f64> = row.iter().map(|x| if tail == Tail::Low { -x } else { *x }).collect();
                    let mut sorted = losses.clone();
                    sorted.sort_by(|a, b| b.partial_cmp(a).unwrap());
                    assert_eq!(st.var[kk], sorted[m - 1]);
                    assert!((st.cvar[kk] - ru_cvar(&losses, t)).abs() <= 1e-9 * sorted[0].abs().max(1.0));
                    let w = losses.iter().position(|&l| l == sorted[0]).unwrap();
                    assert_eq!(st.worst_scenario[kk] as usize, w);
                    assert_eq!(st.worst_value[kk], row[w]);
                }
            }
        }
    }

    #[test]
    fn ties_go_to_the_lowest_index() {
        let v = [3.0, -5.0, 2.0, -5.0, -5.0, 1.0];
        let st = evaluate_tail(&v, 1, 6, 0.5, Tail::Low, None).unwrap();
        assert_eq!((st.worst_scenario[0], st.worst_value[0], st.var[0], st.cvar[0], st.tail_count), (1, -5.0, 5.0, 5.0, 3));
        let st = evaluate_tail(&v, 1, 6, 0.5, Tail::High, None).unwrap();
        assert_eq!((st.worst_scenario[0], st.worst_value[0], st.var[0], st.cvar[0]), (0, 3.0, 1.0, 2.0));
    }

    #[test]
    fn rejects_bad_alpha_and_sizes() {
        assert_eq!(evaluate_tail(&[0.0; 6], 2, 3, 1.0, Tail::Low, None).unwrap_err().field, "alpha");
        assert_eq!(evaluate_tail(&[0.0; 6], 2, 3, f64::NAN, Tail::Low, None).unwrap_err().field, "alpha");
        assert_eq!(evaluate_tail(&[0.0; 5], 2, 3, 0.5, Tail::Low, None).unwrap_err().field, "values");
    }
}
