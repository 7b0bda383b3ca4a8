//! Sparse LDLᵀ with a dense trailing block, for quasi-definite matrices whose fill-reducing
//! order puts a few dense rows last (budget rows, factor rows: AMD orders them last).
//!
//! Splitting K (permuted, upper triangle) at `t0`:
//!
//!   [ K₁₁  K₁₂ ]   [ L₁₁      ] [ D₁    ] [ L₁₁ᵀ  L₂₁ᵀ ]
//!   [ K₂₁  K₂₂ ] = [ L₂₁  L₂₂ ] [    D₂ ] [       L₂₂ᵀ ]
//!
//! - L₁₁ row by row, up-looking (a sparse triangular solve per row along the elimination
//!   tree, as in `ldl.rs`);
//! - L₂₁ column by column, left-looking, right after row k of L₁₁ is known: column k of L₂₁
//!   needs exactly the columns in row k's pattern, which were just touched (cache-hot);
//! - the Schur complement S = K₂₂ − L₂₁ D₁ L₂₁ᵀ accumulated as rank-1 updates into a dense
//!   T × T block (small enough for the cache) and factored densely (row-oriented, contiguous
//!   dot products).
//!
//! Plain up-looking on such a matrix streams every column of L once per dense row (hundreds
//! of passes over a factor of a million entries); here every column is read once. The flops
//! are the same; the memory traffic is not.
//!
//! No pivoting: quasi-definite matrices factor stably in any symmetric order. With `signs`
//! (the inertia the caller expects per pivot: +1 for the primal block, −1 for the constraint
//! block), a pivot of the wrong sign or below `dyn_eps` in magnitude is replaced by
//! ±`dyn_delta` (dynamic regularisation) and counted; without, such a pivot is an error.

use super::ldl::{dot4, etree_and_counts};

const NONE: usize = usize::MAX;

/// Upper bound on the dense block's order (T³/6 multiply-adds, T² doubles).
const MAX_TAIL: usize = 600;
/// Below this many entries in L₂₁ the work is not shared with a second thread.
const PARALLEL_MIN_NNZ: usize = 200_000;
/// The trailing block must be at least this dense (nonzeros of L over T(T−1)/2) to be kept.
const MIN_TAIL_DENSITY: f64 = 0.5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TailLdlError {
    /// The pattern has an entry below the diagonal.
    NotUpperTriangular,
    /// A zero (or, with `signs`, never) pivot at this permuted index.
    ZeroPivot(usize),
    NonFinitePivot(usize),
}

/// Pattern-only analysis, done once per sparsity pattern.
#[derive(Debug, Clone)]
pub struct TailSymbolic {
    n: usize,
    /// First index of the dense block; T = n − t0.
    t0: usize,
    etree: Vec<usize>,
    /// Column pointers of L₁₁'s strict lower part (rows < t0), length t0 + 1.
    lp: Vec<usize>,
    /// Column pointers and tail-local rows (k − t0) of L₂₁, per column < t0, rows ascending.
    tp: Vec<usize>,
    ti: Vec<u32>,
    /// K₂₁ by its rows: for each k < t0, the entries K(t, k), t ≥ t0, as (t − t0, slot in K).
    kr_ptr: Vec<usize>,
    kr_t: Vec<u32>,
    kr_slot: Vec<usize>,
    /// Entries of K₂₂ (upper triangle) as (row − t0, column − t0, slot in K).
    k22: Vec<(u32, u32, usize)>,
    /// Groups of columns < t0 whose L₂₁ patterns are identical: group g holds
    /// g_cols[g_ptr[g]..g_ptr[g + 1]] (ascending).
    g_ptr: Vec<usize>,
    g_cols: Vec<usize>,
    /// Where the groups split into two halves of equal work for two threads (Schur update:
    /// columns × t²; solve: columns × t); 0 when the work is too small to share.
    split: usize,
    split_solve: usize,
    nnz_l: usize,
}

impl TailSymbolic {
    /// Analyses the permuted upper triangle `colptr`/`rowidx` of an n × n matrix.
    pub fn new(n: usize, colptr: &[usize], rowidx: &[usize]) -> Result<TailSymbolic, TailLdlError> {
        let (etree, count) = etree_and_counts(n, colptr, rowidx).ok_or(TailLdlError::NotUpperTriangular)?;
        let nnz_l: usize = count.iter().sum();
        let t0 = choose_tail(n, &count);

        // Second pass: row patterns again, now split at t0 (rows < t0 feed L₁₁'s counts,
        // rows ≥ t0 give L₂₁'s pattern, appended in ascending row order).
        let mut lcount = vec![0usize; t0];
        let mut tcount = vec![0usize; t0];
        let mut flag = vec![NONE; n];
        for k in 0..n {
            if k < t0 {
                reach(k, colptr, rowidx, &etree, &mut flag, |i| lcount[i] += 1);
            } else {
                reach(k, colptr, rowidx, &etree, &mut flag, |i| {
                    if i < t0 {
                        tcount[i] += 1
                    }
                });
            }
        }
        let mut lp = vec![0usize; t0 + 1];
        let mut tp = vec![0usize; t0 + 1];
        for j in 0..t0 {
            lp[j + 1] = lp[j] + lcount[j];
            tp[j + 1] = tp[j] + tcount[j];
        }
        let mut ti = vec![0u32; tp[t0]];
        let mut next: Vec<usize> = tp[..t0].to_vec();
        flag.iter_mut().for_each(|f| *f = NONE);
        for k in t0..n {
            let local = (k - t0) as u32;
            reach(k, colptr, rowidx, &etree, &mut flag, |i| {
                if i < t0 {
                    ti[next[i]] = local;
                    next[i] += 1;
                }
            });
        }

        // K₂₁ by rows (counting sort on the row) and K₂₂.
        let mut kr_count = vec![0usize; t0 + 1];
        let mut k22 = Vec::new();
        for j in t0..n {
            for p in colptr[j]..colptr[j + 1] {
                let i = rowidx[p];
                if i < t0 {
                    kr_count[i + 1] += 1;
                } else {
                    k22.push(((i - t0) as u32, (j - t0) as u32, p));
                }
            }
        }
        for i in 0..t0 {
            kr_count[i + 1] += kr_count[i];
        }
        let kr_ptr = kr_count.clone();
        let mut kr_t = vec![0u32; kr_ptr[t0]];
        let mut kr_slot = vec![0usize; kr_ptr[t0]];
        let mut fill = kr_count;
        for j in t0..n {
            for p in colptr[j]..colptr[j + 1] {
                let i = rowidx[p];
                if i < t0 {
                    kr_t[fill[i]] = (j - t0) as u32;
                    kr_slot[fill[i]] = p;
                    fill[i] += 1;
                }
            }
        }
        // Columns of L₂₁ with the same row pattern, grouped (in order of first appearance):
        // their updates of the dense block are summed densely and scattered once per group.
        let mut group_of: std::collections::HashMap<&[u32], usize> = std::collections::HashMap::new();
        let mut group_id = vec![NONE; t0];
        let mut sizes: Vec<usize> = Vec::new();
        for j in 0..t0 {
            let pat = &ti[tp[j]..tp[j + 1]];
            if pat.is_empty() {
                continue;
            }
            let g = *group_of.entry(pat).or_insert_with(|| {
                sizes.push(0);
                sizes.len() - 1
            });
            group_id[j] = g;
            sizes[g] += 1;
        }
        drop(group_of);
        let mut g_ptr = vec![0usize; sizes.len() + 1];
        for (g, &c) in sizes.iter().enumerate() {
            g_ptr[g + 1] = g_ptr[g] + c;
        }
        let mut g_cols = vec![0usize; g_ptr[sizes.len()]];
        let mut fill_g = g_ptr.clone();
        for j in 0..t0 {
            if group_id[j] != NONE {
                g_cols[fill_g[group_id[j]]] = j;
                fill_g[group_id[j]] += 1;
            }
        }
        let halfway = |w: &dyn Fn(usize) -> f64| -> usize {
            let total: f64 = (0..sizes.len()).map(w).sum();
            let mut acc = 0.0;
            for g in 0..sizes.len() {
                if acc >= 0.5 * total {
                    return g;
                }
                acc += w(g);
            }
            sizes.len()
        };
        let width = |g: usize| (tp[g_cols[g_ptr[g]] + 1] - tp[g_cols[g_ptr[g]]]) as f64;
        let shared = tp[t0] >= PARALLEL_MIN_NNZ;
        let split = if shared { halfway(&|g| sizes[g] as f64 * width(g) * width(g)) } else { 0 };
        let split_solve = if shared { halfway(&|g| sizes[g] as f64 * width(g)) } else { 0 };
        Ok(TailSymbolic { n, t0, etree, lp, tp, ti, kr_ptr, kr_t, kr_slot, k22, g_ptr, g_cols, split, split_solve, nnz_l })
    }

    pub fn n(&self) -> usize {
        self.n
    }
    /// Order of the dense trailing block.
    pub fn tail(&self) -> usize {
        self.n - self.t0
    }
    /// Nonzeros of the strict lower triangle of L (as a sparse factor would store them).
    pub fn nnz(&self) -> usize {
        self.nnz_l
    }
}

/// Visits the pattern of row k of L (the nodes on the elimination-tree paths from the
/// entries of column k of K up to k), marking them in `flag`.
fn reach(k: usize, colptr: &[usize], rowidx: &[usize], etree: &[usize], flag: &mut [usize], mut visit: impl FnMut(usize)) {
    flag[k] = k;
    for &i0 in &rowidx[colptr[k]..colptr[k + 1]] {
        let mut i = i0;
        while flag[i] != k {
            visit(i);
            flag[i] = k;
            i = etree[i];
        }
    }
}

/// The largest trailing block (up to MAX_TAIL) whose part of L is at least MIN_TAIL_DENSITY
/// full; the block [s, n) holds every entry of the columns j ≥ s.
fn choose_tail(n: usize, count: &[usize]) -> usize {
    let mut best = n;
    let mut block = 0usize;
    for s in (n.saturating_sub(MAX_TAIL)..n).rev() {
        block += count[s];
        let t = n - s;
        let full = t * (t - 1) / 2;
        if t == 1 || block as f64 >= MIN_TAIL_DENSITY * full as f64 {
            best = s;
        }
    }
    best
}

/// Dynamic regularisation of pivots against the expected inertia.
#[derive(Debug, Clone, Copy)]
pub struct PivotRule<'a> {
    /// Expected sign per permuted pivot (+1 / −1).
    pub signs: &'a [i8],
    /// Pivots with sign·d below this are replaced.
    pub eps: f64,
    /// ... by sign·delta.
    pub delta: f64,
}

#[derive(Debug, Clone)]
pub struct TailFactor {
    sym: TailSymbolic,
    li: Vec<u32>,
    lx: Vec<f64>,
    tx: Vec<f64>,
    /// Dense L₂₂ (strict lower, row-major T × T; the diagonal holds scratch).
    dense: Vec<f64>,
    d: Vec<f64>,
    dinv: Vec<f64>,
    y: Vec<f64>,
    used: Vec<bool>,
    pattern: Vec<usize>,
    stack: Vec<usize>,
    next: Vec<usize>,
    acc: Vec<f64>,
    /// Dense scratch of a group's update (T × T) and a gathered tail vector (T).
    buf: Vec<f64>,
    row: Vec<f64>,
    /// The second thread's scratch: its part of S and group buffer, of the forward tail
    /// vector, of the backward dot products (group order).
    dense2: Vec<f64>,
    buf2: Vec<f64>,
    xt2: Vec<f64>,
    acc2: Vec<f64>,
    out2: Vec<f64>,
    /// Positive pivots in the last factorisation.
    pub positive: usize,
    /// Pivots replaced by the dynamic regularisation in the last factorisation.
    pub regularized: usize,
}

impl TailFactor {
    pub fn new(sym: TailSymbolic) -> TailFactor {
        let (n, t) = (sym.n, sym.tail());
        TailFactor {
            li: vec![0; sym.lp[sym.t0]],
            lx: vec![0.0; sym.lp[sym.t0]],
            tx: vec![0.0; sym.tp[sym.t0]],
            dense: vec![0.0; t * t],
            d: vec![0.0; n],
            dinv: vec![0.0; n],
            y: vec![0.0; n],
            used: vec![false; n],
            pattern: vec![0; n],
            stack: vec![0; n],
            next: vec![0; sym.t0],
            acc: vec![0.0; t],
            buf: vec![0.0; t * t],
            row: vec![0.0; t],
            dense2: if sym.split > 0 { vec![0.0; t * t] } else { Vec::new() },
            buf2: if sym.split > 0 { vec![0.0; t * t] } else { Vec::new() },
            xt2: vec![0.0; t],
            acc2: vec![0.0; t],
            out2: Vec::with_capacity(if sym.split > 0 { sym.t0 } else { 0 }),
            positive: 0,
            regularized: 0,
            sym,
        }
    }

    pub fn symbolic(&self) -> &TailSymbolic {
        &self.sym
    }

    pub fn nnz(&self) -> usize {
        self.sym.nnz()
    }

    /// The pivots D (permuted order).
    pub fn pivots(&self) -> &[f64] {
        &self.d
    }

    fn pivot(&mut self, k: usize, mut dk: f64, rule: Option<&PivotRule<'_>>) -> Result<(), TailLdlError> {
        if !dk.is_finite() {
            return Err(TailLdlError::NonFinitePivot(k));
        }
        match rule {
            Some(r) => {
                let s = r.signs[k] as f64;
                if s * dk < r.eps {
                    dk = s * r.delta;
                    self.regularized += 1;
                }
            }
            None if dk == 0.0 => return Err(TailLdlError::ZeroPivot(k)),
            None => {}
        }
        if dk > 0.0 {
            self.positive += 1;
        }
        self.d[k] = dk;
        self.dinv[k] = 1.0 / dk;
        Ok(())
    }

    /// Numeric factorisation of the matrix with the analysed pattern and these values.
    pub fn factor(&mut self, colptr: &[usize], rowidx: &[usize], values: &[f64], rule: Option<&PivotRule<'_>>) -> Result<(), TailLdlError> {
        let (t0, t) = (self.sym.t0, self.sym.tail());
        self.positive = 0;
        self.regularized = 0;
        self.next.copy_from_slice(&self.sym.lp[..t0]);
        self.dense.iter_mut().for_each(|v| *v = 0.0);
        // A failed factorisation can leave scratch behind.
        self.acc.iter_mut().for_each(|v| *v = 0.0);
        self.y.iter_mut().for_each(|v| *v = 0.0);
        self.used.iter_mut().for_each(|v| *v = false);
        for &(r, c, slot) in &self.sym.k22 {
            // Upper (r ≤ c) stored at dense[c][r] (lower, row-major).
            self.dense[c as usize * t + r as usize] += values[slot];
        }
        for k in 0..t0 {
            // Row k of L₁₁: scatter column k of K, pattern = reach in the elimination tree.
            let mut top = 0usize;
            let mut dk = 0.0;
            for p in colptr[k]..colptr[k + 1] {
                let i = rowidx[p];
                if i == k {
                    dk += values[p];
                    continue;
                }
                self.y[i] += values[p];
                let mut len = 0;
                let mut j = i;
                while j != NONE && j < k && !self.used[j] {
                    self.used[j] = true;
                    self.stack[len] = j;
                    len += 1;
                    j = self.sym.etree[j];
                }
                while len > 0 {
                    len -= 1;
                    self.pattern[top] = self.stack[len];
                    top += 1;
                }
            }
            // Column k of L₂₁ starts from K(t, k).
            for q in self.sym.kr_ptr[k]..self.sym.kr_ptr[k + 1] {
                self.acc[self.sym.kr_t[q] as usize] += values[self.sym.kr_slot[q]];
            }
            // Sparse triangular solve in topological order (the pattern read backwards).
            for s in (0..top).rev() {
                let c = self.pattern[s];
                let yc = self.y[c];
                self.y[c] = 0.0;
                self.used[c] = false;
                let end = self.next[c];
                for p in self.sym.lp[c]..end {
                    self.y[self.li[p] as usize] -= self.lx[p] * yc;
                }
                for q in self.sym.tp[c]..self.sym.tp[c + 1] {
                    self.acc[self.sym.ti[q] as usize] -= self.tx[q] * yc;
                }
                let l_kc = yc * self.dinv[c];
                self.li[end] = k as u32;
                self.lx[end] = l_kc;
                self.next[c] = end + 1;
                dk -= yc * l_kc;
            }
            self.pivot(k, dk, rule)?;
            // Column k of L₂₁.
            let dinv = self.dinv[k];
            for q in self.sym.tp[k]..self.sym.tp[k + 1] {
                let r = self.sym.ti[q] as usize;
                self.tx[q] = self.acc[r] * dinv;
                self.acc[r] = 0.0;
            }
        }
        self.schur_update();
        self.factor_dense(rule)
    }

    /// S −= L₂₁ D₁ L₂₁ᵀ group by group: each group's columns are summed into a dense
    /// t × t buffer (contiguous updates, four columns at a time), scattered into S once. With
    /// two cores the groups are split in two halves of equal work, the second half summed into
    /// a private copy of S by a scoped thread.
    fn schur_update(&mut self) {
        let t = self.sym.tail();
        let TailFactor { sym, tx, d, dense, buf, dense2, buf2, .. } = self;
        let g_all = sym.g_ptr.len() - 1;
        if sym.split == 0 || sym.split >= g_all || !two_cores() {
            schur_groups(sym, tx, d, 0..g_all, t, dense, buf);
            return;
        }
        dense2.iter_mut().for_each(|v| *v = 0.0);
        std::thread::scope(|scope| {
            let (sym, tx, d): (&TailSymbolic, &[f64], &[f64]) = (sym, tx, d);
            let (dense2, buf2) = (&mut *dense2, &mut *buf2);
            scope.spawn(move || schur_groups(sym, tx, d, sym.split..g_all, t, dense2, buf2));
            schur_groups(sym, tx, d, 0..sym.split, t, dense, buf);
        });
        for (a, b) in dense.iter_mut().zip(dense2.iter()) {
            *a += b;
        }
    }

    /// Row-oriented dense LDLᵀ of the Schur complement: row i keeps L(i, j)·d_j while it is
    /// being formed, so each entry is one contiguous dot product.
    fn factor_dense(&mut self, rule: Option<&PivotRule<'_>>) -> Result<(), TailLdlError> {
        let (t0, t) = (self.sym.t0, self.sym.tail());
        for i in 0..t {
            let (before, rest) = self.dense.split_at_mut(i * t);
            let ri = &mut rest[..t];
            for j in 0..i {
                let lj = &before[j * t..j * t + j];
                let v = ri[j] - dot4(&ri[..j], lj);
                ri[j] = v;
            }
            let mut di = ri[i];
            for j in 0..i {
                let w = ri[j];
                let l = w * self.dinv[t0 + j];
                di -= w * l;
                ri[j] = l;
            }
            ri[i] = 0.0;
            self.pivot(t0 + i, di, rule)?;
        }
        Ok(())
    }

    /// Solves L D Lᵀ x = b in place (permuted order). The L₂₁ parts run group by group after
    /// (forward) or before (backward) the sparse part, which never reads them.
    pub fn solve(&mut self, x: &mut [f64]) {
        let (n, t0, t) = (self.sym.n, self.sym.t0, self.sym.tail());
        assert!(x.len() == n);
        let (xs, xt) = x.split_at_mut(t0);
        let sym = &self.sym;
        let lp = &sym.lp;
        for c in 0..t0 {
            let xc = xs[c];
            if xc == 0.0 {
                continue;
            }
            for (&i, &l) in self.li[lp[c]..lp[c + 1]].iter().zip(&self.lx[lp[c]..lp[c + 1]]) {
                xs[i as usize] -= l * xc;
            }
        }
        let g_all = sym.g_ptr.len() - 1;
        let parallel = sym.split > 0 && sym.split < g_all && two_cores();
        if parallel {
            let (tx, xs_ro) = (&self.tx[..], &*xs);
            let (xt2, acc2) = (&mut self.xt2, &mut self.acc2);
            xt2.iter_mut().for_each(|v| *v = 0.0);
            std::thread::scope(|scope| {
                scope.spawn(|| forward_groups(sym, tx, xs_ro, sym.split_solve..g_all, xt2, acc2));
                forward_groups(sym, tx, xs_ro, 0..sym.split_solve, xt, &mut self.row);
            });
            for (a, b) in xt.iter_mut().zip(self.xt2.iter()) {
                *a += b;
            }
        } else {
            forward_groups(sym, &self.tx, xs, 0..g_all, xt, &mut self.row);
        }
        for i in 0..t {
            let s = dot4(&self.dense[i * t..i * t + i], &xt[..i]);
            xt[i] -= s;
        }
        for (v, di) in xs.iter_mut().chain(xt.iter_mut()).zip(&self.dinv) {
            *v *= di;
        }
        for r in (0..t).rev() {
            let xr = xt[r];
            if xr != 0.0 {
                for (v, l) in xt[..r].iter_mut().zip(&self.dense[r * t..r * t + r]) {
                    *v -= l * xr;
                }
            }
        }
        if parallel {
            let (tx, xt_ro) = (&self.tx[..], &*xt);
            let (out2, acc2) = (&mut self.out2, &mut self.acc2);
            out2.clear();
            std::thread::scope(|scope| {
                scope.spawn(|| backward_groups(sym, tx, xt_ro, sym.split_solve..g_all, acc2, |_, v| out2.push(v)));
                backward_groups(sym, tx, xt_ro, 0..sym.split_solve, &mut self.row, |c, v| xs[c] -= v);
            });
            let cols = &sym.g_cols[sym.g_ptr[sym.split_solve]..];
            for (&c, &v) in cols.iter().zip(self.out2.iter()) {
                xs[c] -= v;
            }
        } else {
            backward_groups(sym, &self.tx, xt, 0..g_all, &mut self.row, |c, v| xs[c] -= v);
        }
        for c in (0..t0).rev() {
            let mut s = 0.0;
            for (&i, &l) in self.li[lp[c]..lp[c + 1]].iter().zip(&self.lx[lp[c]..lp[c + 1]]) {
                s += l * xs[i as usize];
            }
            xs[c] -= s;
        }
    }
}

/// Whether to share the work with a second thread: only with `KEEL_QP_THREADS=2` (or more) and
/// two cores. Off by default: on the shared, contended machines this was measured on, the
/// second thread waited for a busy core and made factorisations and solves slower.
fn two_cores() -> bool {
    static TWO: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TWO.get_or_init(|| {
        let forced = std::env::var("KEEL_QP_THREADS").ok().and_then(|v| v.trim().parse::<usize>().ok());
        forced.unwrap_or(1) >= 2 && std::thread::available_parallelism().map(|n| n.get() >= 2).unwrap_or(false)
    })
}

/// The Schur update of groups `gs` into `dense` (see `TailFactor::schur_update`).
fn schur_groups(sym: &TailSymbolic, tx: &[f64], d: &[f64], gs: std::ops::Range<usize>, t: usize, dense: &mut [f64], buf: &mut [f64]) {
    for g in gs {
        let cols = &sym.g_cols[sym.g_ptr[g]..sym.g_ptr[g + 1]];
        let first = cols[0];
        let pat = &sym.ti[sym.tp[first]..sym.tp[first + 1]];
        let tg = pat.len();
        let buf = &mut buf[..tg * tg];
        buf.iter_mut().for_each(|v| *v = 0.0);
        let mut quads = cols.chunks_exact(4);
        for q in &mut quads {
            let l: [&[f64]; 4] = std::array::from_fn(|u| &tx[sym.tp[q[u]]..sym.tp[q[u] + 1]]);
            let dd: [f64; 4] = std::array::from_fn(|u| d[q[u]]);
            for a in 0..tg {
                let w: [f64; 4] = std::array::from_fn(|u| l[u][a] * dd[u]);
                let row = &mut buf[a * tg..a * tg + a + 1];
                let (l0, l1, l2, l3) = (&l[0][..=a], &l[1][..=a], &l[2][..=a], &l[3][..=a]);
                for b in 0..=a {
                    row[b] += w[0] * l0[b] + w[1] * l1[b] + w[2] * l2[b] + w[3] * l3[b];
                }
            }
        }
        for &c in quads.remainder() {
            let l = &tx[sym.tp[c]..sym.tp[c + 1]];
            let dc = d[c];
            for (a, &la) in l.iter().enumerate() {
                let w = la * dc;
                for (u, &lb) in buf[a * tg..a * tg + a + 1].iter_mut().zip(&l[..=a]) {
                    *u += w * lb;
                }
            }
        }
        for (a, &ra) in pat.iter().enumerate() {
            let dst = &mut dense[ra as usize * t..ra as usize * t + t];
            for (&u, &rb) in buf[a * tg..a * tg + a + 1].iter().zip(pat) {
                dst[rb as usize] -= u;
            }
        }
    }
}

/// Forward: acc(pattern) −= Σ L(pattern, c)·x_c over the groups `gs`, into `xt` (tail part).
fn forward_groups(sym: &TailSymbolic, tx: &[f64], xs: &[f64], gs: std::ops::Range<usize>, xt: &mut [f64], acc: &mut [f64]) {
    for g in gs {
        let cols = &sym.g_cols[sym.g_ptr[g]..sym.g_ptr[g + 1]];
        let pat = &sym.ti[sym.tp[cols[0]]..sym.tp[cols[0] + 1]];
        let acc = &mut acc[..pat.len()];
        acc.iter_mut().for_each(|v| *v = 0.0);
        for &c in cols {
            let xc = xs[c];
            if xc != 0.0 {
                for (v, l) in acc.iter_mut().zip(&tx[sym.tp[c]..sym.tp[c + 1]]) {
                    *v += l * xc;
                }
            }
        }
        for (&r, &v) in pat.iter().zip(acc.iter()) {
            xt[r as usize] -= v;
        }
    }
}

/// Backward: the dot product of each column's L₂₁ part with xt, per column of the groups `gs`
/// in group order, through `out(c, dot)`.
fn backward_groups(sym: &TailSymbolic, tx: &[f64], xt: &[f64], gs: std::ops::Range<usize>, gathered: &mut [f64], mut out: impl FnMut(usize, f64)) {
    for g in gs {
        let cols = &sym.g_cols[sym.g_ptr[g]..sym.g_ptr[g + 1]];
        let pat = &sym.ti[sym.tp[cols[0]]..sym.tp[cols[0] + 1]];
        let buf = &mut gathered[..pat.len()];
        for (b, &r) in buf.iter_mut().zip(pat) {
            *b = xt[r as usize];
        }
        for &c in cols {
            out(c, dot4(&tx[sym.tp[c]..sym.tp[c + 1]], buf));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A random quasi-definite matrix (upper CSC) with a few dense trailing rows.
    fn sample(n: usize, dense_rows: usize, seed: u64) -> (Vec<usize>, Vec<usize>, Vec<f64>, Vec<Vec<f64>>) {
        let mut s = seed;
        let mut rnd = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s % 10_000) as f64 / 10_000.0
        };
        let mut full = vec![vec![0.0; n]; n];
        let half = n / 2;
        for j in 0..n {
            for i in 0..j {
                let dense = j >= n - dense_rows;
                if (dense && rnd() < 0.7) || rnd() < 0.08 {
                    let v = rnd() - 0.5;
                    full[i][j] = v;
                    full[j][i] = v;
                }
            }
            full[j][j] = if j < half { 2.0 + rnd() } else { -(2.0 + rnd()) };
        }
        let (mut cp, mut ri, mut vx) = (vec![0], vec![], vec![]);
        for j in 0..n {
            for i in 0..=j {
                if full[i][j] != 0.0 {
                    ri.push(i);
                    vx.push(full[i][j]);
                }
            }
            cp.push(ri.len());
        }
        (cp, ri, vx, full)
    }

    #[test]
    fn factors_and_solves_with_and_without_a_dense_tail() {
        for (n, dense, seed) in [(1, 0, 1), (2, 1, 2), (40, 0, 3), (60, 6, 4), (120, 12, 5)] {
            let (cp, ri, vx, full) = sample(n, dense, seed);
            let sym = TailSymbolic::new(n, &cp, &ri).unwrap();
            let mut f = TailFactor::new(sym);
            f.factor(&cp, &ri, &vx, None).unwrap();
            let b: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
            let mut x = b.clone();
            f.solve(&mut x);
            let err = (0..n).map(|i| ((0..n).map(|j| full[i][j] * x[j]).sum::<f64>() - b[i]).abs()).fold(0.0, f64::max);
            assert!(err < 1e-10, "n {n}: residual {err}, tail {}", f.symbolic().tail());
        }
    }

    #[test]
    fn dynamic_regularisation_replaces_wrong_sign_pivots() {
        // [[1, 1], [1, 1]] expected (+, −): the second pivot 0 becomes −δ.
        let (cp, ri, vx) = (vec![0, 1, 3], vec![0, 0, 1], vec![1.0, 1.0, 1.0]);
        let mut f = TailFactor::new(TailSymbolic::new(2, &cp, &ri).unwrap());
        assert_eq!(f.factor(&cp, &ri, &vx, None), Err(TailLdlError::ZeroPivot(1)));
        let rule = PivotRule { signs: &[1, -1], eps: 1e-12, delta: 1e-8 };
        f.factor(&cp, &ri, &vx, Some(&rule)).unwrap();
        assert_eq!(f.regularized, 1);
        assert_eq!(f.positive, 1);
    }
}
