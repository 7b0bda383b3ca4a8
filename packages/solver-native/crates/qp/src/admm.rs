//! One ADMM iteration on the scaled problem (OSQP paper, Algorithm 1), split into the
//! paper's steps. All vectors are preallocated in `Iterates`; nothing here allocates.
use crate::data::ScaledData;
use crate::kkt::KktSolver;
use crate::rho::Rho;

pub struct Iterates {
    pub x: Vec<f64>,
    pub z: Vec<f64>,
    pub y: Vec<f64>,
    pub x_prev: Vec<f64>,
    pub z_prev: Vec<f64>,
    /// [x̃; ν] after the linear solve (n + m).
    pub xz_tilde: Vec<f64>,
    pub delta_x: Vec<f64>,
    pub delta_y: Vec<f64>,
}

impl Iterates {
    pub fn new(n: usize, m: usize) -> Self {
        Iterates {
            x: vec![0.0; n],
            z: vec![0.0; m],
            y: vec![0.0; m],
            x_prev: vec![0.0; n],
            z_prev: vec![0.0; m],
            xz_tilde: vec![0.0; n + m],
            delta_x: vec![0.0; n],
            delta_y: vec![0.0; m],
        }
    }

    pub fn cold_start(&mut self) {
        for v in [&mut self.x, &mut self.z, &mut self.y] {
            v.iter_mut().for_each(|a| *a = 0.0);
        }
    }

    /// xᵏ → x_prev, zᵏ → z_prev (swapping buffers, no copy).
    pub fn shift(&mut self) {
        std::mem::swap(&mut self.x, &mut self.x_prev);
        std::mem::swap(&mut self.z, &mut self.z_prev);
    }
}

/// (x̃, z̃): solve [P+σI Aᵀ; A −diag(1/ρ)] [x̃; ν] = [σxᵏ − q; zᵏ − ρ⁻¹yᵏ], then
/// z̃ = zᵏ + ρ⁻¹(ν − yᵏ). z̃ overwrites ν in the tail of `xz_tilde`.
pub fn update_xz_tilde(it: &mut Iterates, d: &ScaledData, rho: &Rho, sigma: f64, kkt: &mut dyn KktSolver) {
    let n = it.x_prev.len();
    let (xt, zt) = it.xz_tilde.split_at_mut(n);
    for j in 0..n {
        xt[j] = sigma * it.x_prev[j] - d.q[j];
    }
    for i in 0..zt.len() {
        zt[i] = it.z_prev[i] - rho.inv[i] * it.y[i];
    }
    kkt.solve(&mut it.xz_tilde);
    let zt = &mut it.xz_tilde[n..];
    for i in 0..zt.len() {
        zt[i] = it.z_prev[i] + rho.inv[i] * (zt[i] - it.y[i]);
    }
}

/// xᵏ⁺¹ = α x̃ + (1 − α) xᵏ; δx = xᵏ⁺¹ − xᵏ.
pub fn update_x(it: &mut Iterates, alpha: f64) {
    let n = it.x.len();
    for j in 0..n {
        let x = alpha * it.xz_tilde[j] + (1.0 - alpha) * it.x_prev[j];
        it.delta_x[j] = x - it.x_prev[j];
        it.x[j] = x;
    }
}

/// zᵏ⁺¹ = Π[l,u](α z̃ + (1 − α) zᵏ + ρ⁻¹ yᵏ).
pub fn update_z(it: &mut Iterates, d: &ScaledData, rho: &Rho, alpha: f64) {
    let n = it.x.len();
    for i in 0..it.z.len() {
        let v = alpha * it.xz_tilde[n + i] + (1.0 - alpha) * it.z_prev[i] + rho.inv[i] * it.y[i];
        it.z[i] = v.max(d.l[i]).min(d.u[i]);
    }
}

/// yᵏ⁺¹ = yᵏ + ρ(α z̃ + (1 − α) zᵏ − zᵏ⁺¹); δy = yᵏ⁺¹ − yᵏ.
pub fn update_y(it: &mut Iterates, rho: &Rho, alpha: f64) {
    let n = it.x.len();
    for i in 0..it.y.len() {
        let dy = rho.vec[i] * (alpha * it.xz_tilde[n + i] + (1.0 - alpha) * it.z_prev[i] - it.z[i]);
        it.delta_y[i] = dy;
        it.y[i] += dy;
    }
}
