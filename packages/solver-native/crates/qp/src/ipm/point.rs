//! Iterates and Newton directions of the interior-point method, on the scaled problem.
//!
//! Each finite inequality side of row i has a slack and a multiplier:
//!   lower: sₗ = aᵢx − lᵢ ≥ 0, λₗ ≥ 0;   upper: sᵤ = uᵢ − aᵢx ≥ 0, λᵤ ≥ 0;
//! and yᵢ = λᵤ − λₗ (OSQP's sign: y > 0 when the upper side binds). Equality rows carry a free
//! yᵢ; free rows have y = 0. At the optimum sₗλₗ = sᵤλᵤ = 0.
use super::rows::RowClasses;

#[derive(Debug, Clone)]
pub struct Iterate {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub sl: Vec<f64>,
    pub ll: Vec<f64>,
    pub su: Vec<f64>,
    pub lu: Vec<f64>,
}

impl Iterate {
    pub fn new(n: usize, m: usize) -> Self {
        Iterate { x: vec![0.0; n], y: vec![0.0; m], sl: vec![0.0; m], ll: vec![0.0; m], su: vec![0.0; m], lu: vec![0.0; m] }
    }

    /// Mean complementarity sᵀλ / (number of sides); 0 without inequality sides.
    pub fn mu(&self, rows: &RowClasses) -> f64 {
        if rows.sides == 0 {
            return 0.0;
        }
        let mut g = 0.0;
        for i in 0..self.y.len() {
            if rows.has_l[i] {
                g += self.sl[i] * self.ll[i];
            }
            if rows.has_u[i] {
                g += self.su[i] * self.lu[i];
            }
        }
        g / rows.sides as f64
    }

    /// y from the side multipliers on inequality rows.
    pub fn sync_y(&mut self, rows: &RowClasses) {
        for i in 0..self.y.len() {
            if !rows.eq[i] {
                let up = if rows.has_u[i] { self.lu[i] } else { 0.0 };
                let lo = if rows.has_l[i] { self.ll[i] } else { 0.0 };
                self.y[i] = up - lo;
            }
        }
    }

    pub fn is_finite(&self) -> bool {
        [&self.x, &self.y, &self.sl, &self.ll, &self.su, &self.lu].iter().all(|v| v.iter().all(|x| x.is_finite()))
    }
}

pub type Direction = Iterate;

/// Mean complementarity at `it + α·d`.
pub fn mu_at(it: &Iterate, d: &Direction, alpha: f64, rows: &RowClasses) -> f64 {
    if rows.sides == 0 {
        return 0.0;
    }
    let mut g = 0.0;
    for i in 0..it.y.len() {
        if rows.has_l[i] {
            g += (it.sl[i] + alpha * d.sl[i]) * (it.ll[i] + alpha * d.ll[i]);
        }
        if rows.has_u[i] {
            g += (it.su[i] + alpha * d.su[i]) * (it.lu[i] + alpha * d.lu[i]);
        }
    }
    g / rows.sides as f64
}

/// it += α·d (then y from the sides on inequality rows, as `sync_y`); returns the new
/// iterate's mean complementarity (`mu`, same sum in the same order), found in the same pass.
pub fn take_step(it: &mut Iterate, d: &Direction, alpha: f64, rows: &RowClasses) -> f64 {
    for (x, dx) in it.x.iter_mut().zip(&d.x) {
        *x += alpha * dx;
    }
    let mut g = 0.0;
    for i in 0..it.y.len() {
        if rows.eq[i] {
            it.y[i] += alpha * d.y[i];
            continue;
        }
        let (mut up, mut lo) = (0.0, 0.0);
        if rows.has_l[i] {
            it.sl[i] += alpha * d.sl[i];
            it.ll[i] += alpha * d.ll[i];
            g += it.sl[i] * it.ll[i];
            lo = it.ll[i];
        }
        if rows.has_u[i] {
            it.su[i] += alpha * d.su[i];
            it.lu[i] += alpha * d.lu[i];
            g += it.su[i] * it.lu[i];
            up = it.lu[i];
        }
        it.y[i] = up - lo;
    }
    if rows.sides == 0 {
        0.0
    } else {
        g / rows.sides as f64
    }
}

/// Moves slacks and multipliers into the interior (Mehrotra's starting-point heuristic): shift
/// each family by the most negative entry (×1.5) so all are ≥ 0, then by half the resulting
/// mean complementarity over the family's sum, so no product is far below the mean; `floor`
/// is the least value any entry keeps.
pub fn center_start(it: &mut Iterate, rows: &RowClasses, floor: f64) {
    let m = it.y.len();
    let sides = |i: usize| (rows.has_l[i], rows.has_u[i]);
    let (mut min_s, mut min_l) = (f64::INFINITY, f64::INFINITY);
    for i in 0..m {
        let (l, u) = sides(i);
        if l {
            min_s = min_s.min(it.sl[i]);
            min_l = min_l.min(it.ll[i]);
        }
        if u {
            min_s = min_s.min(it.su[i]);
            min_l = min_l.min(it.lu[i]);
        }
    }
    if rows.sides == 0 {
        return;
    }
    let shift_s = (-1.5 * min_s).max(0.0);
    let shift_l = (-1.5 * min_l).max(0.0);
    let (mut dot, mut sum_s, mut sum_l) = (0.0, 0.0, 0.0);
    for i in 0..m {
        let (l, u) = sides(i);
        if l {
            it.sl[i] += shift_s;
            it.ll[i] += shift_l;
            dot += it.sl[i] * it.ll[i];
            sum_s += it.sl[i];
            sum_l += it.ll[i];
        }
        if u {
            it.su[i] += shift_s;
            it.lu[i] += shift_l;
            dot += it.su[i] * it.lu[i];
            sum_s += it.su[i];
            sum_l += it.lu[i];
        }
    }
    let extra_s = if sum_l > 0.0 { 0.5 * dot / sum_l } else { 0.0 };
    let extra_l = if sum_s > 0.0 { 0.5 * dot / sum_s } else { 0.0 };
    for i in 0..m {
        let (l, u) = sides(i);
        if l {
            it.sl[i] = (it.sl[i] + extra_s).max(floor);
            it.ll[i] = (it.ll[i] + extra_l).max(floor);
        }
        if u {
            it.su[i] = (it.su[i] + extra_s).max(floor);
            it.lu[i] = (it.lu[i] + extra_l).max(floor);
        }
    }
    it.sync_y(rows);
}


