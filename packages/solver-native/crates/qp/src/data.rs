//! The scaled copy of the problem the iterations run on.
use crate::csc::Csc;
use crate::problem::Problem;
use crate::scaling::Scaling;

#[derive(Debug, Clone)]
pub struct ScaledData {
    /// c·D P D (upper triangle).
    pub p: Csc,
    /// c·D q.
    pub q: Vec<f64>,
    /// E A D.
    pub a: Csc,
    /// E l, E u.
    pub l: Vec<f64>,
    pub u: Vec<f64>,
}

impl ScaledData {
    /// Scales `prob` with `iterations` Ruiz passes (0: identity scaling).
    pub fn new(prob: &Problem, iterations: u32) -> (ScaledData, Scaling) {
        let mut p = prob.p.clone();
        let mut a = prob.a.clone();
        let mut q = prob.q.clone();
        let s = Scaling::ruiz(&mut p, &mut q, &mut a, iterations);
        let mut d = ScaledData { p, q, a, l: prob.l.clone(), u: prob.u.clone() };
        s.scale_bounds(&prob.l, &prob.u, &mut d.l, &mut d.u);
        (d, s)
    }

    /// Recomputes the scaling from the current user data (after P or A values changed).
    pub fn rescale(&mut self, prob: &Problem, iterations: u32) -> Scaling {
        self.p.values.copy_from_slice(&prob.p.values);
        self.a.values.copy_from_slice(&prob.a.values);
        self.q.copy_from_slice(&prob.q);
        let s = Scaling::ruiz(&mut self.p, &mut self.q, &mut self.a, iterations);
        s.scale_bounds(&prob.l, &prob.u, &mut self.l, &mut self.u);
        s
    }
}
