//! The interior-point method's Newton system behind one narrow interface:
//!
//!   [ P + diag(dₓ)   Aₖᵀ       ] [ Δx  ]   [ r₁ ]
//!   [ Aₖ          −diag(dᵣ)    ] [ Δyₖ ] = [ r₂ ]
//!
//! over the kept rows Aₖ (see `rows.rs`; absorbed rows live in dₓ, free rows nowhere). dₓ ≥ ρ > 0
//! and dᵣ ≥ δ > 0 make it quasi-definite. The pattern is assembled, ordered (AMD, dense rows
//! last) and analysed once; every iteration rewrites the two diagonals, refactors numerically
//! (`TailFactor`: sparse up-looking with a dense trailing block) and solves with iterative
//! refinement against the matrix it factored.
use crate::csc::Csc;
use crate::kkt::amd;
use crate::kkt::ldl::etree_and_counts;
use crate::kkt::tail_ldl::{choose_tail, PivotRule, TailFactor, TailLdlError, TailSymbolic};
use crate::kkt::MAX_FACTOR_NNZ;

use super::rows::{RowClasses, NONE};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewtonError {
    /// A non-finite pivot, or a zero one without dynamic regularisation.
    Singular,
    /// Factored without regularisation, but not with n positive pivots: P is not PSD.
    WrongInertia { positive: usize, expected: usize },
    TooLarge { nnz: usize },
}

/// Refinement stops when the residual is this small relative to the right-hand side; after a
/// first solve that met it, the factorisation is trusted for the rest of the iteration.
const REFINE_TOL: f64 = 1e-9;
const REFINE_MAX: usize = 4;
/// AMD's dense-row threshold factor (√n·this): medium-dense rows are ordered last with the
/// dense ones, where the dense trailing block of the factorisation takes them, and AMD does not
/// rescan them at every neighbouring pivot.
const AMD_DENSE: f64 = 1.0;
/// The order with dense rows counted must have at most this share of plain AMD's factor.
const COUNTED_GAIN: f64 = 0.75;
/// Below this order the two orderings are computed one after the other (a thread costs more).
const PARALLEL_ORDER_MIN: usize = 20_000;
/// Below this many entries in K the refinement's product stays on one thread.
const PARALLEL_MUL_NNZ: usize = 100_000;
/// Below this order the solve's gathers, scatters and residual stay on one thread.
const PARALLEL_PASS_DIM: usize = 20_000;

pub struct NewtonSystem {
    n: usize,
    dim: usize,
    colptr: Vec<usize>,
    rowidx: Vec<usize>,
    /// The same pattern with 32-bit indices for the refinement's products (less memory traffic).
    colptr32: Vec<u32>,
    rowidx32: Vec<u32>,
    values: Vec<f64>,
    /// perm[k] = node at permuted position k; pinv its inverse.
    perm: Vec<usize>,
    pinv: Vec<usize>,
    p_slot: Vec<usize>,
    p_diag: Vec<bool>,
    diag_slot: Vec<usize>,
    /// Slot of each A entry (NONE for rows not kept).
    a_slot: Vec<usize>,
    /// Slot of each kept row's diagonal, by node order.
    row_slot: Vec<usize>,
    signs: Vec<i8>,
    /// Regularisation on each diagonal (permuted order): refinement targets the matrix
    /// without it, so the factor of the regularised matrix only preconditions.
    shift: Vec<f64>,
    /// The (shift_x, shift_r) that `shift` holds.
    shifts: Option<(f64, f64)>,
    /// P's diagonal (its slots hold P + dₓ).
    p_diag_val: Vec<f64>,
    /// Whether the first solve with the current factorisation met the refinement tolerance
    /// (then later solves skip the residual check).
    accurate: Option<bool>,
    /// Whether off-diagonal values changed since the last factorisation (else `refactor`).
    values_changed: bool,
    factor: TailFactor,
    b: Vec<f64>,
    x: Vec<f64>,
    r: Vec<f64>,
    /// The second part of `mul` and where it starts.
    r2: Vec<f64>,
    mul_mid: usize,
    /// From this order up the solve's passes split in two (PARALLEL_PASS_DIM; tests vary it).
    parallel_dim: usize,
    /// Solves (including refinement steps) since construction, and time spent (ms).
    pub solves: u64,
    pub factor_ms: f64,
    pub solve_ms: f64,
}

/// The fill-reducing order of the Newton matrix (upper pattern `cp`/`ri`; `is_eq_row(node)`
/// for the equality rows among the nodes), with the dense rows last: AMD, and AMD with the dense
/// rows counted in the degrees and the equality rows waiting for their variables (see
/// `amd::DenseRows::Count`). The counted order is kept only when its factor is clearly smaller
/// (by COUNTED_GAIN): it can put small pivots earlier, and a factor that is only a little
/// smaller is not worth a change of rounding.
/// With `KEEL_QP_THREADS=2` and two cores the two orders (and their factor sizes) are computed at
/// once, on two threads: each is a pure function of the pattern, so the result is the one computed
/// one after the other. Off by default, as for the factorisation: on the 15k engine QP the
/// ordering went 82 -> 58 ms with the second core idle, but `NewtonSystem::new` as a whole
/// ~132 -> ~155 ms (best of 10) with the machine loaded (a busy core; two threads faulting in
/// AMD's workspaces).
fn order(dim: usize, cp: &[usize], ri: &[usize], counted: bool, is_eq_row: impl Fn(usize) -> bool) -> (Vec<usize>, String) {
    if !counted {
        // The caller knows plain AMD wins (`Settings::ipm_counted_order` off): the same order as
        // when the comparison picks it, without computing the other.
        let plain = amd::amd_order_dense(dim, cp, ri, AMD_DENSE, amd::DenseRows::Ignore);
        return (plain, "AMD (counted order not tried)".to_string());
    }
    let defer: Vec<bool> = (0..dim).map(is_eq_row).collect();
    let counted_order = || amd::amd_order_report(dim, cp, ri, AMD_DENSE, amd::DenseRows::Count { defer: &defer });
    let plain_order = || {
        let plain = amd::amd_order_dense(dim, cp, ri, AMD_DENSE, amd::DenseRows::Ignore);
        let nnz = factor_nnz(dim, cp, ri, &plain);
        (plain, nnz)
    };
    let two = dim >= PARALLEL_ORDER_MIN && crate::kkt::tail_ldl::two_cores();
    let ((counted, report), plain) = if two {
        // On the helper thread (`par::join`); the plain order is wasted work when the counted
        // one is plain AMD's (below).
        let (plain, counted) = crate::par::join(plain_order, counted_order);
        let plain = if counted.1.counted { Some(plain) } else { None };
        (counted, plain)
    } else {
        (counted_order(), None)
    };
    if !report.counted {
        // No dense rows (or too many to count): this is plain AMD's order.
        return (counted, format!("AMD, {} dense rows", report.dense));
    }
    let (plain, b) = plain.unwrap_or_else(plain_order);
    let a = factor_nnz(dim, cp, ri, &counted);
    if (a as f64) < COUNTED_GAIN * b as f64 {
        (counted, format!("AMD with {} dense rows counted: nnz(L) {a}, plain {b}", report.dense))
    } else {
        (plain, format!("AMD, {} dense rows: nnz(L) {b}, counted {a}", report.dense))
    }
}

/// Nonzeros of L for the upper pattern `cp`/`ri` in the order `perm`.
fn factor_nnz(dim: usize, cp: &[usize], ri: &[usize], perm: &[usize]) -> usize {
    let (colptr, rowidx) = permuted_upper(dim, cp, ri, perm);
    etree_and_counts(dim, &colptr, &rowidx).map_or(usize::MAX, |(_, count)| count.iter().sum())
}

/// `perm` with the nodes below the dense tail re-ordered into a postorder of their elimination
/// forest: each tree's nodes together, children before parents, the trees in the order of their
/// roots. A topological order of the same elimination tree, so the same factor relabelled; with
/// the trees contiguous the factorisation can split between them (`TailSymbolic`'s halves).
/// The tail keeps its places.
fn postorder_below_tail(dim: usize, cp: &[usize], ri: &[usize], perm: Vec<usize>) -> Vec<usize> {
    let (colptr, rowidx) = permuted_upper(dim, cp, ri, &perm);
    let Some((etree, count)) = etree_and_counts(dim, &colptr, &rowidx) else { return perm };
    drop((colptr, rowidx));
    let t0 = choose_tail(dim, &count);
    // Children lists, ascending.
    let mut head = vec![NONE; t0];
    let mut sibling = vec![NONE; t0];
    for j in (0..t0).rev() {
        let p = etree[j];
        if p < t0 {
            sibling[j] = head[p];
            head[p] = j;
        }
    }
    let mut post = Vec::with_capacity(dim);
    let mut stack = Vec::new();
    for root in (0..t0).filter(|&j| etree[j] >= t0) {
        stack.push(root);
        while let Some(&top) = stack.last() {
            let child = head[top];
            if child == NONE {
                stack.pop();
                post.push(perm[top]);
            } else {
                head[top] = sibling[child];
                stack.push(child);
            }
        }
    }
    debug_assert_eq!(post.len(), t0);
    post.extend_from_slice(&perm[t0..]);
    post
}

/// The upper triangle of the pattern `cp`/`ri` in the order `perm`.
fn permuted_upper(dim: usize, cp: &[usize], ri: &[usize], perm: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut pinv = vec![0usize; dim];
    for (k, &v) in perm.iter().enumerate() {
        pinv[v] = k;
    }
    let mut colptr = vec![0usize; dim + 1];
    for j in 0..dim {
        for &i in &ri[cp[j]..cp[j + 1]] {
            colptr[pinv[i].max(pinv[j]) + 1] += 1;
        }
    }
    for j in 0..dim {
        colptr[j + 1] += colptr[j];
    }
    let mut next = colptr.clone();
    let mut rowidx = vec![0usize; ri.len()];
    for j in 0..dim {
        for &i in &ri[cp[j]..cp[j + 1]] {
            let (r, c) = (pinv[i].min(pinv[j]), pinv[i].max(pinv[j]));
            rowidx[next[c]] = r;
            next[c] += 1;
        }
    }
    (colptr, rowidx)
}

/// Counting sort of `count` items into `buckets` buckets by `key`: (bucket pointers, `value` of
/// the items bucket by bucket, in item order within a bucket).
fn bucket(buckets: usize, count: usize, key: impl Fn(usize) -> usize, value: impl Fn(usize) -> usize) -> (Vec<usize>, Vec<usize>) {
    let mut ptr = vec![0usize; buckets + 1];
    for e in 0..count {
        ptr[key(e) + 1] += 1;
    }
    for b in 0..buckets {
        ptr[b + 1] += ptr[b];
    }
    let mut next = ptr[..buckets].to_vec();
    let mut out = vec![0usize; count];
    for e in 0..count {
        let k = key(e);
        out[next[k]] = value(e);
        next[k] += 1;
    }
    (ptr, out)
}

#[derive(Clone, Copy)]
enum Origin {
    P(usize),
    Diag(usize),
    A(usize),
    Row(usize),
}

impl NewtonSystem {
    /// `counted`: also try the AMD order that counts dense rows (see `order`).
    pub fn new(p: &Csc, a: &Csc, rows: &RowClasses, counted: bool) -> Result<NewtonSystem, NewtonError> {
        let n = p.ncols;
        let dim = n + rows.kept.len();
        // Unpermuted upper triangle as entries (row, column, origin): P off its diagonal, one
        // diagonal entry per x (P's diagonal is added to it), A's kept rows, the rows' diagonal.
        let mut e_row: Vec<u32> = Vec::with_capacity(p.nnz() + n + a.nnz() + rows.kept.len());
        let mut e_col: Vec<u32> = Vec::with_capacity(e_row.capacity());
        let mut e_origin: Vec<Origin> = Vec::with_capacity(e_row.capacity());
        let mut push = |i: usize, j: usize, o: Origin| {
            e_row.push(i as u32);
            e_col.push(j as u32);
            e_origin.push(o);
        };
        for j in 0..n {
            for k in p.colptr[j]..p.colptr[j + 1] {
                if p.rowidx[k] != j {
                    push(p.rowidx[k], j, Origin::P(k));
                }
            }
            push(j, j, Origin::Diag(j));
            for k in a.colptr[j]..a.colptr[j + 1] {
                let node = rows.node[a.rowidx[k]];
                if node != NONE {
                    push(j, node, Origin::A(k));
                }
            }
        }
        for r in 0..rows.kept.len() {
            push(n + r, n + r, Origin::Row(r));
        }
        let ne = e_row.len();
        // By columns for the ordering.
        let (cp, ri) = bucket(dim, ne, |e| e_col[e] as usize, |e| e_row[e] as usize);
        let t_amd = std::time::Instant::now();
        let (perm, ordering) = order(dim, &cp, &ri, counted, |node| node >= n && rows.eq[rows.kept[node - n]]);
        let perm = postorder_below_tail(dim, &cp, &ri, perm);
        let amd_ms = t_amd.elapsed().as_secs_f64() * 1e3;
        drop((cp, ri));
        let mut pinv = vec![0u32; dim];
        for (k, &v) in perm.iter().enumerate() {
            pinv[v] = k as u32;
        }
        for e in 0..ne {
            let (s, t) = (pinv[e_row[e] as usize], pinv[e_col[e] as usize]);
            e_row[e] = s.min(t);
            e_col[e] = s.max(t);
        }
        // Permuted, columns with rows ascending (the factorisation's reach needs them so):
        // entries bucketed by row, then stably by column.
        let (_, by_row) = bucket(dim, ne, |e| e_row[e] as usize, |e| e);
        let mut colptr = vec![0usize; dim + 1];
        for &c in &e_col {
            colptr[c as usize + 1] += 1;
        }
        for j in 0..dim {
            colptr[j + 1] += colptr[j];
        }
        let mut next = colptr[..dim].to_vec();
        let nnz = ne;
        let mut rowidx = vec![0usize; nnz];
        let mut p_slot = vec![NONE; p.nnz()];
        let mut p_diag = vec![false; p.nnz()];
        let mut diag_slot = vec![NONE; n];
        let mut a_slot = vec![NONE; a.nnz()];
        let mut row_slot = vec![NONE; rows.kept.len()];
        for &e in &by_row {
            let c = e_col[e] as usize;
            let slot = next[c];
            next[c] += 1;
            rowidx[slot] = e_row[e] as usize;
            match e_origin[e] {
                Origin::P(k) => p_slot[k] = slot,
                Origin::Diag(j) => diag_slot[j] = slot,
                Origin::A(k) => a_slot[k] = slot,
                Origin::Row(r) => row_slot[r] = slot,
            }
        }
        drop((by_row, e_row, e_col, e_origin));
        // P's diagonal entries share their column's diagonal slot.
        for j in 0..n {
            for k in p.colptr[j]..p.colptr[j + 1] {
                if p.rowidx[k] == j {
                    p_diag[k] = true;
                    p_slot[k] = diag_slot[j];
                }
            }
        }
        let signs: Vec<i8> = perm.iter().map(|&v| if v < n { 1 } else { -1 }).collect();
        let t_sym = std::time::Instant::now();
        let sym = TailSymbolic::new(dim, &colptr, &rowidx).map_err(|_| NewtonError::Singular)?;
        if std::env::var_os("KEEL_QP_DEBUG").is_some() {
            eprintln!("newton setup: ordering {amd_ms:.1} ms ({ordering}), symbolic {:.1} ms", t_sym.elapsed().as_secs_f64() * 1e3);
        }
        if sym.nnz() + sym.tail() * sym.tail() > MAX_FACTOR_NNZ {
            return Err(NewtonError::TooLarge { nnz: sym.nnz() });
        }
        let mul_mid = colptr.partition_point(|&p| p < nnz / 2).min(dim);
        Ok(NewtonSystem {
            n,
            dim,
            colptr32: colptr.iter().map(|&v| v as u32).collect(),
            rowidx32: rowidx.iter().map(|&v| v as u32).collect(),
            colptr,
            rowidx,
            values: vec![0.0; nnz],
            pinv: pinv.iter().map(|&k| k as usize).collect(),
            perm,
            p_slot,
            p_diag,
            diag_slot,
            a_slot,
            row_slot,
            signs,
            shift: vec![0.0; dim],
            shifts: None,
            p_diag_val: vec![0.0; n],
            accurate: None,
            values_changed: true,
            factor: TailFactor::new(sym),
            b: vec![0.0; dim],
            x: vec![0.0; dim],
            r: vec![0.0; dim],
            r2: vec![0.0; dim],
            mul_mid,
            parallel_dim: PARALLEL_PASS_DIM,
            solves: 0,
            factor_ms: 0.0,
            solve_ms: 0.0,
        })
    }

    pub fn dim(&self) -> usize {
        self.dim
    }
    pub fn nnz_l(&self) -> usize {
        self.factor.nnz()
    }
    pub fn dense_tail(&self) -> usize {
        self.factor.symbolic().tail()
    }
    /// Pivots replaced by dynamic regularisation in the last factorisation.
    pub fn regularized_pivots(&self) -> usize {
        self.factor.regularized
    }

    /// Writes P's off-diagonal entries and the kept rows of A (once per value update; the
    /// iterations only change diagonals).
    pub fn set_matrices(&mut self, p: &Csc, a: &Csc) {
        self.values_changed = true;
        self.p_diag_val.iter_mut().for_each(|v| *v = 0.0);
        for j in 0..self.n {
            for k in p.colptr[j]..p.colptr[j + 1] {
                if self.p_diag[k] {
                    self.p_diag_val[j] += p.values[k];
                } else {
                    self.values[self.p_slot[k]] = p.values[k];
                }
            }
        }
        for k in 0..a.nnz() {
            if self.a_slot[k] != NONE {
                self.values[self.a_slot[k]] = a.values[k];
            }
        }
    }

    /// Sets the diagonals: P's diagonal + dₓ on x, −dᵣ on the kept rows (node order). The
    /// factorisation uses them as given; refinement aims at the matrix with `shift_x` taken
    /// off dₓ and `shift_r` off dᵣ (regularisation the step should not see).
    pub fn set_diagonals(&mut self, x_diag: &[f64], row_diag: &[f64], shift_x: f64, shift_r: f64) {
        for j in 0..self.n {
            self.values[self.diag_slot[j]] = self.p_diag_val[j] + x_diag[j];
        }
        for (r, &s) in self.row_slot.iter().enumerate() {
            self.values[s] = -row_diag[r];
        }
        if self.shifts != Some((shift_x, shift_r)) {
            for (k, &v) in self.perm.iter().enumerate() {
                self.shift[k] = if v < self.n { shift_x } else { -shift_r };
            }
            self.shifts = Some((shift_x, shift_r));
        }
    }

    /// Numeric factorisation; with `dynamic` = Some((eps, delta)) tiny or wrong-sign pivots are
    /// replaced, without it the inertia must be exactly (n, dim − n).
    pub fn factor(&mut self, dynamic: Option<(f64, f64)>) -> Result<(), NewtonError> {
        let rule = dynamic.map(|(eps, delta)| PivotRule { signs: &self.signs, eps, delta });
        let t = std::time::Instant::now();
        self.accurate = None;
        let r = if std::mem::take(&mut self.values_changed) {
            self.factor.factor(&self.colptr, &self.rowidx, &self.values, rule.as_ref())
        } else {
            self.factor.refactor(&self.colptr, &self.rowidx, &self.values, rule.as_ref())
        };
        self.factor_ms += t.elapsed().as_secs_f64() * 1e3;
        match r {
            Ok(()) => {}
            Err(TailLdlError::ZeroPivot(_)) | Err(TailLdlError::NonFinitePivot(_)) | Err(TailLdlError::NotUpperTriangular) => {
                return Err(NewtonError::Singular)
            }
        }
        if dynamic.is_none() && self.factor.positive != self.n {
            return Err(NewtonError::WrongInertia { positive: self.factor.positive, expected: self.n });
        }
        Ok(())
    }

    /// out = K v in permuted order, in two column ranges split at `mul_mid` (half of K's
    /// entries on each side): the columns before it sum into `out` (their rows are before it
    /// too), the others into `out2`, on two threads for a large K; then out += out2. The same
    /// sums wherever each part runs.
    fn mul(&mut self, v: &[f64]) {
        let (mid, dim) = (self.mul_mid, self.dim);
        let (cp, ri, vals) = (&self.colptr32[..], &self.rowidx32[..], &self.values[..]);
        let part = |cols: std::ops::Range<usize>, out: &mut [f64]| {
            out.iter_mut().for_each(|o| *o = 0.0);
            for j in cols {
                let vj = v[j];
                let mut acc = 0.0;
                let (a, b) = (cp[j] as usize, cp[j + 1] as usize);
                for (&i, &w) in ri[a..b].iter().zip(&vals[a..b]) {
                    let i = i as usize;
                    if i == j {
                        acc += w * vj;
                    } else {
                        out[i] += w * vj;
                        acc += w * v[i];
                    }
                }
                out[j] += acc;
            }
        };
        let (out, out2) = (&mut self.r, &mut self.r2);
        let parallel = vals.len() >= PARALLEL_MUL_NNZ;
        crate::par::join_if(parallel, || part(mid..dim, out2), || part(0..mid, &mut out[..mid]));
        for (o, &o2) in out[..mid].iter_mut().zip(&out2[..mid]) {
            *o += o2;
        }
        out[mid..].copy_from_slice(&out2[mid..]);
    }

    /// Solves K d = rhs in place (rhs in node order: [x; kept rows]), refining against the
    /// factored matrix until the residual is at rounding level or stops shrinking.
    pub fn solve(&mut self, rhs: &mut [f64]) {
        let t = std::time::Instant::now();
        // Without a residual check (a factorisation already found accurate) the right-hand
        // side is not kept: gathered straight into x.
        let check = self.accurate != Some(true);
        // The passes over the whole vector in two halves (one on the helper thread when large):
        // gathers, scatters and maxima, so the same values either way.
        let half = if self.dim >= self.parallel_dim { self.dim / 2 } else { 0 };
        let src: &[f64] = rhs;
        let (p_lo, p_hi) = self.perm.split_at(half);
        let (x_lo, x_hi) = self.x.split_at_mut(half);
        let bnorm = if check {
            // Kept for the residual, gathered into x too, its norm taken on the way.
            let gather = |b: &mut [f64], x: &mut [f64], p: &[usize]| {
                let mut norm = 0.0f64;
                for ((b, x), &v) in b.iter_mut().zip(x.iter_mut()).zip(p) {
                    let r = src[v];
                    *b = r;
                    *x = r;
                    norm = norm.max(r.abs());
                }
                norm
            };
            let (b_lo, b_hi) = self.b.split_at_mut(half);
            let (hi, lo) = crate::par::join_if(half > 0, || gather(b_hi, x_hi, p_hi), || gather(b_lo, x_lo, p_lo));
            lo.max(hi)
        } else {
            let gather = |x: &mut [f64], p: &[usize]| x.iter_mut().zip(p).for_each(|(x, &v)| *x = src[v]);
            crate::par::join_if(half > 0, || gather(x_hi, p_hi), || gather(x_lo, p_lo));
            0.0
        };
        self.factor.solve(&mut self.x);
        self.solves += 1;
        let mut prev = f64::INFINITY;
        let steps = if check { REFINE_MAX + 1 } else { 0 };
        for step in 0..steps {
            let x = std::mem::take(&mut self.x);
            self.mul(&x);
            self.x = x;
            let residual = |r: &mut [f64], b: &[f64], shift: &[f64], x: &[f64]| {
                let mut err = 0.0f64;
                for (((r, &b), &s), &x) in r.iter_mut().zip(b).zip(shift).zip(x) {
                    *r = b - *r + s * x;
                    err = err.max(r.abs());
                }
                err
            };
            let (r_lo, r_hi) = self.r.split_at_mut(half);
            let (b, shift, x) = (&self.b, &self.shift, &self.x);
            let (hi, lo) = crate::par::join_if(half > 0, || residual(r_hi, &b[half..], &shift[half..], &x[half..]), || residual(r_lo, &b[..half], &shift[..half], &x[..half]));
            let err = lo.max(hi);
            let done = !(err > REFINE_TOL * (1.0 + bnorm));
            if step == 0 {
                self.accurate = Some(done);
            }
            if done || err > 0.5 * prev || step == steps - 1 {
                break;
            }
            prev = err;
            self.factor.solve(&mut self.r);
            self.solves += 1;
            for k in 0..self.dim {
                self.x[k] += self.r[k];
            }
        }
        // Scattered back as a gather over rhs (each entry from its position in x).
        let x: &[f64] = &self.x;
        let scatter = |out: &mut [f64], pinv: &[usize]| out.iter_mut().zip(pinv).for_each(|(o, &k)| *o = x[k]);
        let (o_lo, o_hi) = rhs.split_at_mut(half);
        let (q_lo, q_hi) = self.pinv.split_at(half);
        crate::par::join_if(half > 0, || scatter(o_hi, q_hi), || scatter(o_lo, q_lo));
        self.solve_ms += t.elapsed().as_secs_f64() * 1e3;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_solves_passes_split_in_two_give_the_bits_of_one() {
        // x variables with a diagonal P, each in one of two-entry equality / inequality rows.
        let (n, m) = (600, 400);
        let p = Csc { nrows: n, ncols: n, colptr: (0..=n).collect(), rowidx: (0..n).collect(), values: (0..n).map(|j| 1.0 + (j % 7) as f64).collect() };
        let mut cols: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for i in 0..m {
            cols[i].push((i, 1.0));
            cols[(i * 7 + 3) % n].push((i, -0.5 - (i % 5) as f64 * 0.1));
        }
        let mut a = Csc { nrows: m, ncols: n, colptr: vec![0], rowidx: Vec::new(), values: Vec::new() };
        for c in &mut cols {
            c.sort_by_key(|e| e.0);
            for &(i, v) in c.iter() {
                a.rowidx.push(i);
                a.values.push(v);
            }
            a.colptr.push(a.rowidx.len());
        }
        let l: Vec<f64> = (0..m).map(|i| if i % 2 == 0 { 0.5 } else { f64::NEG_INFINITY }).collect();
        let u: Vec<f64> = (0..m).map(|i| if i % 2 == 0 { 0.5 } else { 1.0 }).collect();
        let rows = RowClasses::new(&a, &l, &u);
        let run = |parallel_dim: usize| {
            let mut ns = NewtonSystem::new(&p, &a, &rows, false).unwrap();
            ns.parallel_dim = parallel_dim;
            ns.set_matrices(&p, &a);
            let x_diag: Vec<f64> = (0..n).map(|j| 1e-3 * (1 + j % 3) as f64).collect();
            let row_diag: Vec<f64> = (0..rows.kept.len()).map(|r| 0.1 + 0.01 * (r % 4) as f64).collect();
            ns.set_diagonals(&x_diag, &row_diag, 1e-8, 1e-8);
            ns.factor(Some((1e-14, 1e-9))).unwrap();
            let mut out = Vec::new();
            // The first solve checks the residual (and refines), the second trusts the factor.
            for round in 0..2 {
                let mut rhs: Vec<f64> = (0..ns.dim()).map(|k| ((k * 13 + round) % 17) as f64 - 8.0).collect();
                ns.solve(&mut rhs);
                out.extend(rhs.iter().map(|v| v.to_bits()));
            }
            out
        };
        assert!(run(usize::MAX) == run(1));
    }

    #[test]
    fn the_postorder_keeps_the_factor_and_the_tail_and_puts_each_tree_together() {
        // Chains of 2–9 nodes (paths), every node tied to one of three dense nodes, in a
        // shuffled order.
        let mut next = crate::fixtures::xorshift64(11);
        let mut rnd = move || (next() % 10_000) as f64 / 10_000.0;
        let (mut edges, mut start) = (Vec::new(), 0usize);
        while start < 80 {
            let len = 2 + (rnd() * 8.0) as usize;
            for j in start + 1..(start + len).min(80) {
                edges.push((j - 1, j));
            }
            start += len;
        }
        for j in 0..80 {
            edges.push((j, 80 + j % 3));
        }
        edges.extend([(80, 81), (81, 82), (80, 82)]);
        let dim = 83;
        let mut cols: Vec<Vec<usize>> = (0..dim).map(|j| vec![j]).collect();
        for &(a, b) in &edges {
            cols[a.max(b)].push(a.min(b));
        }
        let mut cp = vec![0];
        let mut ri = Vec::new();
        for c in &mut cols {
            c.sort_unstable();
            ri.extend_from_slice(c);
            cp.push(ri.len());
        }
        let mut perm: Vec<usize> = (0..80).collect();
        for k in (1..80).rev() {
            perm.swap(k, (rnd() * (k + 1) as f64) as usize);
        }
        perm.extend([80, 81, 82]);
        let post = postorder_below_tail(dim, &cp, &ri, perm.clone());
        let mut seen = vec![false; dim];
        post.iter().for_each(|&v| seen[v] = true);
        assert!(seen.iter().all(|&s| s) && post.len() == dim);
        assert_eq!(factor_nnz(dim, &cp, &ri, &post), factor_nnz(dim, &cp, &ri, &perm));
        // Postorder: every node between a node and its parent is a descendant of that parent.
        let (pc, pr) = permuted_upper(dim, &cp, &ri, &post);
        let (etree, count) = etree_and_counts(dim, &pc, &pr).unwrap();
        let t0 = choose_tail(dim, &count);
        assert!(t0 >= 70, "t0 {t0}");
        assert_eq!(post[t0..], perm[t0..]);
        let mut trees = 0;
        for j in 0..t0 {
            let p = etree[j];
            if p < t0 {
                assert!((j + 1..p).all(|k| etree[k] <= p), "node {j}");
            } else {
                trees += 1;
            }
        }
        // The shuffle cut chains into pieces: more than one tree, each now contiguous.
        assert!(trees > 1);
    }
}
