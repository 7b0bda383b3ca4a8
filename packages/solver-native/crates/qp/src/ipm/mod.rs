//! A primal-dual interior-point method for the same problem and contract as the ADMM solver:
//!
//!   minimise ½xᵀPx + qᵀx + r   subject to   l ≤ Ax ≤ u
//!
//! Infeasible-start path following with Mehrotra's predictor-corrector (Mehrotra, SIAM J.
//! Optim. 2(4), 1992; Wright, *Primal-Dual Interior-Point Methods*, 1997, ch. 10), with
//! proximal primal-dual regularisation (Friedlander & Orban, Math. Prog. Comp. 4, 2012; the
//! idea behind PIQP): the Newton matrix carries +ρI on x and −δI on the constraint rows, the
//! proximal centres being the current iterate, so the step solves the true residuals with a
//! matrix that is quasi-definite whatever the rank of A — the sparse LDLᵀ needs no pivoting
//! and rank-deficient equality rows are harmless. ρ and δ shrink as the iterates converge.
//!
//! - `rows`: free rows leave, one-entry inequality rows fold into the diagonal;
//! - `newton`: the Newton system (AMD order and symbolic analysis once, numeric refactor per
//!   iteration with a dense trailing block, iterative refinement);
//! - `point`: iterates, step lengths, the starting point's centring;
//! - `measure`: termination and certificates in user units, with the checker's criteria;
//! - `workspace`: the loop, warm starts and in-place updates.
pub mod measure;
pub mod newton;
pub mod point;
pub mod products;
pub mod rows;
pub mod workspace;

pub use workspace::IpmWorkspace;
