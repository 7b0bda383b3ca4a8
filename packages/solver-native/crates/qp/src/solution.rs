//! Primal/dual solution or infeasibility certificates, in user units.

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Solution {
    /// Primal solution (empty when infeasible/unbounded).
    pub x: Vec<f64>,
    /// Dual solution for l ≤ Ax ≤ u (negative: lower bound active). Empty when infeasible.
    pub y: Vec<f64>,
    /// primal_infeasible: δy with Aᵀδy ≈ 0 and uᵀmax(δy,0) + lᵀmin(δy,0) < 0, ‖δy‖∞ = 1.
    pub primal_infeasibility_certificate: Option<Vec<f64>>,
    /// dual_infeasible: δx with Pδx ≈ 0, qᵀδx < 0, Aδx in the recession cone of [l, u], ‖δx‖∞ = 1.
    pub dual_infeasibility_certificate: Option<Vec<f64>>,
}
