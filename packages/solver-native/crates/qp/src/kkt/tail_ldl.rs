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
//! Below the tail the elimination tree is usually a forest of many small trees (each hangs
//! from a dense row). When the order keeps each tree's columns together (`ipm::newton`
//! postorders them), the columns < t0 split at a tree boundary into two halves that share no
//! entry of L₁₁: each half's rows factor, and the solves' L₁₁ and L₂₁ passes run, on a thread
//! of its own, with the operations one thread would do.
//!
//! No pivoting: quasi-definite matrices factor stably in any symmetric order. With `signs`
//! (the inertia the caller expects per pivot: +1 for the primal block, −1 for the constraint
//! block), a pivot of the wrong sign or below `dyn_eps` in magnitude is replaced by
//! ±`dyn_delta` (dynamic regularisation) and counted; without, such a pivot is an error.

use super::ldl::{dot4, etree_and_counts};

const NONE: usize = usize::MAX;

/// Upper bound on the dense block's order (T³/6 multiply-adds, T² doubles).
const MAX_TAIL: usize = 600;
/// Below this many entries in L₁₁ and L₂₁ the halves are not worked on two threads (a pass
/// over 200k entries takes ~0.3 ms; a thread's start, ~30–50 µs, would eat much of what half
/// of it saves).
const PARALLEL_MIN_NNZ: usize = 200_000;
/// The split is used only when each half holds at least this share of the work.
const MIN_HALF_SHARE: f64 = 0.3;
/// Below this many multiply-adds (Σ over groups of columns × w(w+1)/2) the Schur update is one
/// sum, on the calling thread.
const PARALLEL_MIN_SCHUR: f64 = 2.0e6;
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

/// A fast hash for the L₂₁ column patterns grouped in `TailSymbolic::new` (the groups are
/// numbered by first appearance, so the hash function changes nothing but the time).
#[derive(Default)]
struct PatternHasher(u64);

impl std::hash::Hasher for PatternHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
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
    /// K₂₁'s entries K(t, k), k < t0 ≤ t, as (slot in K, position in L₂₁'s storage of the
    /// entry L(t, k)), in K's column order.
    k21_map: Vec<(usize, usize)>,
    /// Entries of K₂₂ (upper triangle) as (row − t0, column − t0, slot in K).
    k22: Vec<(u32, u32, usize)>,
    /// Groups of columns < t0 whose L₂₁ patterns are identical: group g holds
    /// g_cols[g_ptr[g]..g_ptr[g + 1]] (ascending).
    g_ptr: Vec<usize>,
    g_cols: Vec<usize>,
    /// Each column's group (NONE without tail entries), and where each group's tail pattern
    /// starts in the solves' per-group vectors (length groups + 1).
    group_of: Vec<usize>,
    g_off: Vec<usize>,
    /// Where the columns < t0 split into two halves with no entry of L₁₁ between them (no
    /// elimination-tree edge crosses it below the tail; 0 when the factor is too small to
    /// share or no cut balances the work): see the module notes. No group straddles it: the
    /// first `g_mid` groups are the first half's.
    mid: usize,
    g_mid: usize,
    /// Where the Schur update splits into two sums (0 when it is too small to share): the
    /// groups before it are subtracted from S, those from it on from a second, zeroed block
    /// (on the helper thread), which is then added to S.
    schur_split: usize,
    nnz_l: usize,
}

impl TailSymbolic {
    /// Analyses the permuted upper triangle `colptr`/`rowidx` of an n × n matrix.
    pub fn new(n: usize, colptr: &[usize], rowidx: &[usize]) -> Result<TailSymbolic, TailLdlError> {
        Self::analyse(n, colptr, rowidx, None)
    }

    /// `new` with the halves split at `mid` (a cut, or 0 for none) instead of the balanced one.
    #[cfg(test)]
    fn split_at(n: usize, colptr: &[usize], rowidx: &[usize], mid: usize) -> TailSymbolic {
        let sym = Self::analyse(n, colptr, rowidx, Some(mid)).unwrap();
        assert!(mid == 0 || cuts(sym.t0, &sym.etree)[mid], "{mid} is not a cut");
        sym
    }

    fn analyse(n: usize, colptr: &[usize], rowidx: &[usize], force_mid: Option<usize>) -> Result<TailSymbolic, TailLdlError> {
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

        // K₂₁ mapped onto L₂₁'s storage (column i's tail rows ascending, and K's columns j are
        // visited ascending, so one cursor per column finds each position), and K₂₂.
        // (At most the entries of K's tail columns, so no regrowth while filling.)
        let tail_entries = colptr[n] - colptr[t0];
        let mut k21_map = Vec::with_capacity(tail_entries);
        let mut k22 = Vec::new();
        let mut cursor: Vec<usize> = tp[..t0].to_vec();
        for j in t0..n {
            let local = (j - t0) as u32;
            for p in colptr[j]..colptr[j + 1] {
                let i = rowidx[p];
                if i < t0 {
                    while ti[cursor[i]] < local {
                        cursor[i] += 1;
                    }
                    debug_assert_eq!(ti[cursor[i]], local);
                    k21_map.push((p, cursor[i]));
                } else {
                    k22.push(((i - t0) as u32, (j - t0) as u32, p));
                }
            }
        }
        drop(cursor);
        let mid = force_mid.unwrap_or_else(|| {
            let shared = lp[t0] + tp[t0] >= PARALLEL_MIN_NNZ;
            if !shared {
                return 0;
            }
            // Work per column: its row of the factorisation (an update of its L₂₁ column by
            // every column in the row's pattern), and twice (about 3.6 solves per factorisation,
            // each entry read in both passes, at about half the cost of the factorisation's)
            // its columns of L₁₁ and L₂₁ in the solves.
            let mut work = vec![0.0; t0];
            flag.iter_mut().for_each(|f| *f = NONE);
            for (k, w) in work.iter_mut().enumerate() {
                *w = (tcount[k] + 2 * (1 + lcount[k] + tcount[k])) as f64;
                reach(k, colptr, rowidx, &etree, &mut flag, |i| *w += (1 + tcount[i]) as f64);
            }
            balanced_cut(t0, &etree, |c| work[c])
        });
        // Columns of L₂₁ with the same row pattern, grouped (in order of first appearance, half
        // by half): their updates of the dense block are summed densely and scattered once per
        // group.
        let mut group_of: std::collections::HashMap<&[u32], usize, std::hash::BuildHasherDefault<PatternHasher>> = Default::default();
        let mut group_id = vec![NONE; t0];
        let mut sizes: Vec<usize> = Vec::new();
        let mut g_mid = 0;
        for (h, half) in [0..mid, mid..t0].into_iter().enumerate() {
            group_of.clear();
            for j in half {
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
            if h == 0 {
                g_mid = sizes.len();
            }
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
        let mut g_off = vec![0usize; sizes.len() + 1];
        for g in 0..sizes.len() {
            let c = g_cols[g_ptr[g]];
            g_off[g + 1] = g_off[g] + tp[c + 1] - tp[c];
        }
        // A group's update costs its multiply-adds and the packing of its columns; the split
        // halves the total.
        let width = |g: usize| (tp[g_cols[g_ptr[g]] + 1] - tp[g_cols[g_ptr[g]]]) as f64;
        let compute = |g: usize| sizes[g] as f64 * width(g) * (width(g) + 1.0) / 2.0 + 4.0 * sizes[g] as f64 * width(g);
        let schur_work: f64 = (0..sizes.len()).map(|g| sizes[g] as f64 * width(g) * (width(g) + 1.0) / 2.0).sum();
        let all: f64 = (0..sizes.len()).map(compute).sum();
        let mut schur_split = 0;
        if schur_work >= PARALLEL_MIN_SCHUR {
            let mut before = 0.0;
            for g in 0..sizes.len() {
                if before >= 0.5 * all {
                    schur_split = g;
                    break;
                }
                before += compute(g);
            }
        }
        Ok(TailSymbolic { n, t0, etree, lp, tp, ti, k21_map, k22, g_ptr, g_cols, group_of: group_id, g_off, mid, g_mid, schur_split, nnz_l })
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

/// Which k in 0..t0 are cuts: no elimination-tree edge j → p with j < k ≤ p < t0, so that the
/// columns below k and those from k to t0 share no entry of L₁₁ (L(p, j) ≠ 0 makes p an
/// ancestor of j).
fn cuts(t0: usize, etree: &[usize]) -> Vec<bool> {
    let mut delta = vec![0i64; t0 + 1];
    for (j, &p) in etree[..t0].iter().enumerate() {
        if p < t0 {
            delta[j + 1] += 1;
            delta[p + 1] -= 1;
        }
    }
    let mut open = 0;
    (0..t0)
        .map(|k| {
            open += delta[k];
            k > 0 && open == 0
        })
        .collect()
}

/// The cut whose work before it (`w` per column) is nearest half the total, when each half then
/// holds at least MIN_HALF_SHARE of it; else 0.
fn balanced_cut(t0: usize, etree: &[usize], w: impl Fn(usize) -> f64) -> usize {
    let total: f64 = (0..t0).map(&w).sum();
    let (mut before, mut best, mut best_gap) = (0.0, 0, f64::INFINITY);
    for (k, cut) in cuts(t0, etree).into_iter().enumerate() {
        if cut && (before - 0.5 * total).abs() < best_gap {
            best_gap = (before - 0.5 * total).abs();
            best = k;
        }
        before += w(k);
    }
    if best_gap <= (0.5 - MIN_HALF_SHARE) * total {
        best
    } else {
        0
    }
}

/// The largest trailing block (up to MAX_TAIL) whose part of L is at least MIN_TAIL_DENSITY
/// full; the block [s, n) holds every entry of the columns j ≥ s.
pub(crate) fn choose_tail(n: usize, count: &[usize]) -> usize {
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
    /// K₂₁ laid out like L₂₁ (`tx`; 0 where K has no entry): gathered from the matrix's
    /// columns once per value change, not at every factorisation, so that each column of L₂₁
    /// starts as a contiguous copy.
    k21: Vec<f64>,
    k21_loaded: bool,
    /// Whether `y` and `used` may hold values of a factorisation that stopped early.
    scratch_dirty: bool,
    /// Dense L₂₂ (strict lower, row-major T × T; the diagonal holds scratch).
    dense: Vec<f64>,
    d: Vec<f64>,
    dinv: Vec<f64>,
    y: Vec<f64>,
    used: Vec<bool>,
    /// The row loop's scratch, the second half's allocated on first use.
    rows: RowScratch,
    rows2: RowScratch,
    next: Vec<usize>,
    /// Dense scratch of a group's update (T × T) and a gathered tail vector (T).
    buf: Vec<f64>,
    schur: SchurScratch,
    /// The second sum's block, group buffer and packing scratch (allocated on first use).
    dense2: Vec<f64>,
    buf2: Vec<f64>,
    schur2: SchurScratch,
    /// The solves' per-group vectors (`sym.g_off`): forward sums, backward gathered tail.
    gvec: Vec<f64>,
    /// Whether work above the thresholds is shared with a second thread (`share_work`).
    threads: bool,
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
            k21: vec![0.0; sym.tp[sym.t0]],
            k21_loaded: false,
            scratch_dirty: false,
            dense: vec![0.0; t * t],
            d: vec![0.0; n],
            dinv: vec![0.0; n],
            y: vec![0.0; n],
            used: vec![false; n],
            rows: RowScratch::new(n, t),
            rows2: RowScratch::default(),
            next: vec![0; sym.t0],
            buf: vec![0.0; t * t],
            schur: {
                let mut packed = 0;
                for g in 0..sym.g_ptr.len() - 1 {
                    let c0 = sym.g_cols[sym.g_ptr[g]];
                    let nc = sym.g_ptr[g + 1] - sym.g_ptr[g];
                    packed = packed.max(nc * round8(sym.tp[c0 + 1] - sym.tp[c0]));
                }
                SchurScratch { pack: vec![0.0; packed], packd: vec![0.0; packed] }
            },
            dense2: Vec::new(),
            buf2: Vec::new(),
            schur2: SchurScratch::default(),
            gvec: vec![0.0; *sym.g_off.last().unwrap_or(&0)],
            threads: share_work(),
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

    fn pivot(&mut self, k: usize, dk: f64, rule: Option<&PivotRule<'_>>) -> Result<(), TailLdlError> {
        let mut counts = PivotCounts { positive: self.positive, regularized: self.regularized };
        let done = set_pivot(k, dk, rule, &mut self.d[k], &mut self.dinv[k], &mut counts);
        (self.positive, self.regularized) = (counts.positive, counts.regularized);
        done
    }

    /// Numeric factorisation of the matrix with the analysed pattern and these values.
    pub fn factor(&mut self, colptr: &[usize], rowidx: &[usize], values: &[f64], rule: Option<&PivotRule<'_>>) -> Result<(), TailLdlError> {
        self.k21_loaded = false;
        self.refactor(colptr, rowidx, values, rule)
    }

    /// `factor` for a matrix whose entries K(i, j), i < t0 ≤ j (the sparse rows' entries in
    /// the dense columns) are those of the last factorisation: only the other values are read.
    /// The interior point's iterations change diagonals only.
    pub fn refactor(&mut self, colptr: &[usize], rowidx: &[usize], values: &[f64], rule: Option<&PivotRule<'_>>) -> Result<(), TailLdlError> {
        #[cfg(target_arch = "x86_64")]
        {
            if has_avx2() {
                // SAFETY: the CPU supports AVX2 (checked at run time).
                return unsafe { self.refactor_avx2(colptr, rowidx, values, rule) };
            }
        }
        self.refactor_body(colptr, rowidx, values, rule)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn refactor_avx2(&mut self, colptr: &[usize], rowidx: &[usize], values: &[f64], rule: Option<&PivotRule<'_>>) -> Result<(), TailLdlError> {
        self.refactor_body(colptr, rowidx, values, rule)
    }

    #[inline(always)]
    fn refactor_body(&mut self, colptr: &[usize], rowidx: &[usize], values: &[f64], rule: Option<&PivotRule<'_>>) -> Result<(), TailLdlError> {
        let (t0, t) = (self.sym.t0, self.sym.tail());
        if !self.k21_loaded {
            self.k21.iter_mut().for_each(|v| *v = 0.0);
            for &(slot, q) in &self.sym.k21_map {
                self.k21[q] = values[slot];
            }
            self.k21_loaded = true;
        }
        self.next.copy_from_slice(&self.sym.lp[..t0]);
        self.dense.iter_mut().for_each(|v| *v = 0.0);
        // A failed factorisation can leave scratch behind (a complete pass clears what it sets).
        if self.scratch_dirty {
            self.y.iter_mut().for_each(|v| *v = 0.0);
            self.used.iter_mut().for_each(|v| *v = false);
        }
        self.scratch_dirty = true;
        for &(r, c, slot) in &self.sym.k22 {
            // Upper (r ≤ c) stored at dense[c][r] (lower, row-major).
            self.dense[c as usize * t + r as usize] += values[slot];
        }
        let mid = self.sym.mid;
        let TailFactor { sym, li, lx, tx, k21, next, d, dinv, y, used, rows, rows2, threads, .. } = self;
        let (sym, k21): (&TailSymbolic, &[f64]) = (sym, k21);
        let counts = if *threads && mid > 0 {
            if rows2.pattern.len() < rows.pattern.len() {
                *rows2 = rows.clone();
            }
            let (li_a, li_b) = li.split_at_mut(sym.lp[mid]);
            let (lx_a, lx_b) = lx.split_at_mut(sym.lp[mid]);
            let (tx_a, tx_b) = tx.split_at_mut(sym.tp[mid]);
            let (next_a, next_b) = next.split_at_mut(mid);
            let (d_a, d_b) = d.split_at_mut(mid);
            let (dinv_a, dinv_b) = dinv.split_at_mut(mid);
            let (y_a, y_b) = y.split_at_mut(mid);
            let (used_a, used_b) = used.split_at_mut(mid);
            let a = Half { c0: 0, li: li_a, lx: lx_a, tx: tx_a, next: next_a, d: d_a, dinv: dinv_a, y: y_a, used: used_a, scratch: rows };
            let b = Half { c0: mid, li: li_b, lx: lx_b, tx: tx_b, next: next_b, d: d_b, dinv: dinv_b, y: y_b, used: used_b, scratch: rows2 };
            let (b, a) = crate::par::join(move || with_avx2(|| factor_rows(sym, colptr, rowidx, values, k21, t0, b, rule)), || factor_rows(sym, colptr, rowidx, values, k21, mid, a, rule));
            // The first half's error first, as one pass over the rows would meet it.
            let (a, b) = (a?, b?);
            PivotCounts { positive: a.positive + b.positive, regularized: a.regularized + b.regularized }
        } else {
            let whole = Half { c0: 0, li, lx, tx, next, d, dinv, y, used, scratch: rows };
            factor_rows(sym, colptr, rowidx, values, k21, t0, whole, rule)?
        };
        (self.positive, self.regularized) = (counts.positive, counts.regularized);
        self.scratch_dirty = false;
        self.schur_update();
        self.factor_dense(rule)
    }

    /// Whether work above the size thresholds goes to a second thread (default: `share_work()`).
    /// Either way the results are the same bits.
    pub fn set_threads(&mut self, two: bool) {
        self.threads = two;
    }

    /// S −= L₂₁ D₁ L₂₁ᵀ group by group: each group's columns are summed into a dense
    /// t × t buffer (contiguous updates, four columns at a time), scattered into S once.
    /// In two sums above the size threshold: the groups from `schur_split` on into a zeroed
    /// block (on the helper thread), the others into S, then S += that block. Where each sum
    /// runs does not change its bits.
    fn schur_update(&mut self) {
        let t = self.sym.tail();
        let split = self.sym.schur_split;
        let g_all = self.sym.g_ptr.len() - 1;
        let TailFactor { sym, tx, d, dense, dense2, buf, buf2, schur, schur2, .. } = self;
        let (sym, tx, d): (&TailSymbolic, &[f64], &[f64]) = (sym, tx, d);
        if split == 0 {
            schur_groups(sym, tx, d, 0..g_all, t, dense, buf, schur);
            return;
        }
        if schur2.pack.len() < schur.pack.len() {
            *schur2 = schur.clone();
        }
        buf2.resize(buf.len(), 0.0);
        dense2.resize(t * t, 0.0);
        let second = || {
            with_avx2(|| {
                dense2.iter_mut().for_each(|v| *v = 0.0);
                schur_groups(sym, tx, d, split..g_all, t, dense2, buf2, schur2);
            })
        };
        crate::par::join_if(self.threads, second, || schur_groups(sym, tx, d, 0..split, t, dense, buf, schur));
        for (s, &u) in dense.iter_mut().zip(dense2.iter()) {
            *s += u;
        }
    }

    /// Row-oriented dense LDLᵀ of the Schur complement: row i keeps L(i, j)·d_j while it is
    /// being formed, so each entry is one contiguous dot product.
    #[inline(always)]
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

    /// Solves L D Lᵀ x = b in place (permuted order). L₁₁ and L₂₁ are read in one pass each
    /// way, in the order they are stored (short L₂₁ columns gathered group by group from
    /// across the factor cost more than the arithmetic), with the same sums as group by group.
    pub fn solve(&mut self, x: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        {
            if has_avx2() {
                // SAFETY: the CPU supports AVX2 (checked at run time).
                return unsafe { self.solve_avx2(x) };
            }
        }
        self.solve_body(x)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn solve_avx2(&mut self, x: &mut [f64]) {
        self.solve_body(x)
    }

    #[inline(always)]
    fn solve_body(&mut self, x: &mut [f64]) {
        let (n, t0) = (self.sym.n, self.sym.t0);
        assert!(x.len() == n);
        let g_all = self.sym.g_ptr.len() - 1;
        let (xs, xt) = x.split_at_mut(t0);
        let TailFactor { sym, li, lx, tx, gvec, dinv, threads, .. } = self;
        let (sym, tx, li, lx, dinv): (&TailSymbolic, &[f64], &[u32], &[f64], &[f64]) = (sym, tx, li, lx, dinv);
        let (mid, g_off) = (sym.mid, &sym.g_off);
        let two = *threads && mid > 0;
        // Forward in pivot order (L₂₁ read as it is stored): column c's L₂₁ part is summed
        // into its group's vector (a group's columns ascending, as group by group).
        gvec.iter_mut().for_each(|v| *v = 0.0);
        if two {
            let (xa, xb) = xs.split_at_mut(mid);
            let (ga, gb) = gvec.split_at_mut(g_off[sym.g_mid]);
            crate::par::join(|| with_avx2(|| forward(sym, li, lx, tx, mid..t0, xb, gb)), || forward(sym, li, lx, tx, 0..mid, xa, ga));
        } else {
            forward(sym, li, lx, tx, 0..t0, xs, gvec);
        }
        for g in 0..g_all {
            let c = sym.g_cols[sym.g_ptr[g]];
            for (&r, &v) in sym.ti[sym.tp[c]..sym.tp[c + 1]].iter().zip(&gvec[g_off[g]..g_off[g + 1]]) {
                xt[r as usize] -= v;
            }
        }
        Self::solve_tail(&self.dense, &dinv[t0..], xt);
        // Backward in reverse pivot order: the L₂₁ dot product (with the group's gathered
        // tail), then L₁₁'s, column by column.
        for g in 0..g_all {
            let c = sym.g_cols[sym.g_ptr[g]];
            for (b, &r) in gvec[g_off[g]..g_off[g + 1]].iter_mut().zip(&sym.ti[sym.tp[c]..sym.tp[c + 1]]) {
                *b = xt[r as usize];
            }
        }
        let gvec: &[f64] = gvec;
        if two {
            let (xa, xb) = xs.split_at_mut(mid);
            crate::par::join(|| with_avx2(|| backward(sym, li, lx, tx, dinv, gvec, mid..t0, xb)), || backward(sym, li, lx, tx, dinv, gvec, 0..mid, xa));
        } else {
            backward(sym, li, lx, tx, dinv, gvec, 0..t0, xs);
        }
    }

    /// The dense part of the solve: L₂₂ forward, D₂⁻¹, L₂₂ backward (D₁⁻¹ is applied in the
    /// backward pass, column by column).
    #[inline(always)]
    fn solve_tail(dense: &[f64], dinv: &[f64], xt: &mut [f64]) {
        let t = xt.len();
        for i in 0..t {
            let s = dot4(&dense[i * t..i * t + i], &xt[..i]);
            xt[i] -= s;
        }
        for (v, di) in xt.iter_mut().zip(dinv) {
            *v *= di;
        }
        for r in (0..t).rev() {
            let xr = xt[r];
            if xr != 0.0 {
                for (v, l) in xt[..r].iter_mut().zip(&dense[r * t..r * t + r]) {
                    *v -= l * xr;
                }
            }
        }
    }
}

/// Scratch of the row loop (`factor_rows`): a row's pattern and the etree walk's stack, and the
/// position of each tail row in the current column's L₂₁ pattern.
#[derive(Debug, Clone, Default)]
struct RowScratch {
    pattern: Vec<usize>,
    stack: Vec<usize>,
    tpos: Vec<u32>,
}

impl RowScratch {
    fn new(n: usize, t: usize) -> RowScratch {
        RowScratch { pattern: vec![0; n], stack: vec![0; n], tpos: vec![0; t] }
    }
}

/// One half's share of the factor's storage (see `TailSymbolic::mid`), every slice starting
/// at column c0's entry: L₁₁'s columns, L₂₁'s, the next free slot of each L₁₁ column, the
/// pivots, and the row loop's scratch.
struct Half<'a> {
    c0: usize,
    li: &'a mut [u32],
    lx: &'a mut [f64],
    tx: &'a mut [f64],
    next: &'a mut [usize],
    d: &'a mut [f64],
    dinv: &'a mut [f64],
    y: &'a mut [f64],
    used: &'a mut [bool],
    scratch: &'a mut RowScratch,
}

#[derive(Debug, Clone, Copy, Default)]
struct PivotCounts {
    positive: usize,
    regularized: usize,
}

/// Pivot k (permuted index): checked, regularised under `rule`, stored with its inverse.
fn set_pivot(k: usize, mut dk: f64, rule: Option<&PivotRule<'_>>, d: &mut f64, dinv: &mut f64, counts: &mut PivotCounts) -> Result<(), TailLdlError> {
    if !dk.is_finite() {
        return Err(TailLdlError::NonFinitePivot(k));
    }
    match rule {
        Some(r) => {
            let s = r.signs[k] as f64;
            if s * dk < r.eps {
                dk = s * r.delta;
                counts.regularized += 1;
            }
        }
        None if dk == 0.0 => return Err(TailLdlError::ZeroPivot(k)),
        None => {}
    }
    if dk > 0.0 {
        counts.positive += 1;
    }
    *d = dk;
    *dinv = 1.0 / dk;
    Ok(())
}

/// Rows c0..c1 of L₁₁ (and columns c0..c1 of L₂₁) into `h`, c0..c1 being all the columns
/// below t0 or one half (nothing of the other half is read or written).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn factor_rows(sym: &TailSymbolic, colptr: &[usize], rowidx: &[usize], values: &[f64], k21: &[f64], c1: usize, h: Half<'_>, rule: Option<&PivotRule<'_>>) -> Result<PivotCounts, TailLdlError> {
    let Half { c0, li, lx, tx, next, d, dinv, y, used, scratch } = h;
    let RowScratch { pattern, stack, tpos } = scratch;
    let (l0, x0) = (sym.lp[c0], sym.tp[c0]);
    let mut counts = PivotCounts::default();
    for k in c0..c1 {
        // Row k of L₁₁: scatter column k of K, pattern = reach in the elimination tree.
        let mut top = 0usize;
        let mut dk = 0.0;
        for p in colptr[k]..colptr[k + 1] {
            let i = rowidx[p];
            if i == k {
                dk += values[p];
                continue;
            }
            y[i - c0] += values[p];
            let mut len = 0;
            let mut j = i;
            while j != NONE && j < k && !used[j - c0] {
                used[j - c0] = true;
                stack[len] = j;
                len += 1;
                j = sym.etree[j];
            }
            while len > 0 {
                len -= 1;
                pattern[top] = stack[len];
                top += 1;
            }
        }
        // Column k of L₂₁ starts from K(t, k), copied on the first update by a column below
        // (most columns have none: they are scaled straight from K₂₁); those update it
        // through `tpos` (their tail patterns are contained in this one's), set on first need.
        let (tk0, tk1) = (sym.tp[k], sym.tp[k + 1]);
        let (xk0, xk1) = (tk0 - x0, tk1 - x0);
        let mut copied = false;
        let mut tpos_set = false;
        // Sparse triangular solve in topological order (the pattern read backwards).
        for s in (0..top).rev() {
            let c = pattern[s];
            let yc = y[c - c0];
            y[c - c0] = 0.0;
            used[c - c0] = false;
            let end = next[c - c0];
            for p in sym.lp[c] - l0..end - l0 {
                y[li[p] as usize - c0] -= lx[p] * yc;
            }
            let (tc0, tc1) = (sym.tp[c], sym.tp[c + 1]);
            if tc0 < tc1 && !copied {
                tx[xk0..xk1].copy_from_slice(&k21[tk0..tk1]);
                copied = true;
            }
            if tc1 - tc0 == tk1 - tk0 {
                // Same width, so the same pattern (it is contained in k's): contiguous.
                let (done, col_k) = tx.split_at_mut(xk0);
                for (v, &l) in col_k[..xk1 - xk0].iter_mut().zip(&done[tc0 - x0..tc1 - x0]) {
                    *v -= l * yc;
                }
            } else if tc0 < tc1 {
                if !tpos_set {
                    for (p, &r) in sym.ti[tk0..tk1].iter().enumerate() {
                        tpos[r as usize] = p as u32;
                    }
                    tpos_set = true;
                }
                let (done, col_k) = tx.split_at_mut(xk0);
                for (&r, &l) in sym.ti[tc0..tc1].iter().zip(&done[tc0 - x0..tc1 - x0]) {
                    col_k[tpos[r as usize] as usize] -= l * yc;
                }
            }
            let l_kc = yc * dinv[c - c0];
            li[end - l0] = k as u32;
            lx[end - l0] = l_kc;
            next[c - c0] = end + 1;
            dk -= yc * l_kc;
        }
        set_pivot(k, dk, rule, &mut d[k - c0], &mut dinv[k - c0], &mut counts)?;
        // Column k of L₂₁.
        let dinv_k = dinv[k - c0];
        if copied {
            tx[xk0..xk1].iter_mut().for_each(|v| *v *= dinv_k);
        } else {
            for (v, &a) in tx[xk0..xk1].iter_mut().zip(&k21[tk0..tk1]) {
                *v = a * dinv_k;
            }
        }
    }
    Ok(counts)
}

/// The solve's forward pass over the columns `cs` (all below t0, or one half): `xs` and `gvec`
/// start at the range's first column and first group.
#[inline(always)]
fn forward(sym: &TailSymbolic, li: &[u32], lx: &[f64], tx: &[f64], cs: std::ops::Range<usize>, xs: &mut [f64], gvec: &mut [f64]) {
    let (c0, g0) = (cs.start, sym.g_off[if cs.start == 0 { 0 } else { sym.g_mid }]);
    let (lp, tp, go, g_off) = (&sym.lp, &sym.tp, &sym.group_of, &sym.g_off);
    for c in cs {
        let xc = xs[c - c0];
        if xc == 0.0 {
            continue;
        }
        for (&i, &l) in li[lp[c]..lp[c + 1]].iter().zip(&lx[lp[c]..lp[c + 1]]) {
            xs[i as usize - c0] -= l * xc;
        }
        let g = go[c];
        if g != NONE {
            for (v, &l) in gvec[g_off[g] - g0..g_off[g + 1] - g0].iter_mut().zip(&tx[tp[c]..tp[c + 1]]) {
                *v += l * xc;
            }
        }
    }
}

/// The solve's backward pass over the columns `cs` (all below t0, or one half), in reverse:
/// x_c ·= 1/d_c, −= L₂₁'s part (with the group's gathered tail in `gvec`), −= L₁₁'s. `xs`
/// starts at the range's first column.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn backward(sym: &TailSymbolic, li: &[u32], lx: &[f64], tx: &[f64], dinv: &[f64], gvec: &[f64], cs: std::ops::Range<usize>, xs: &mut [f64]) {
    let c0 = cs.start;
    let (lp, tp, go, g_off) = (&sym.lp, &sym.tp, &sym.group_of, &sym.g_off);
    for c in cs.rev() {
        let mut v = xs[c - c0] * dinv[c];
        let g = go[c];
        if g != NONE {
            v -= dot4(&tx[tp[c]..tp[c + 1]], &gvec[g_off[g]..g_off[g + 1]]);
        }
        let mut s = 0.0;
        for (&i, &l) in li[lp[c]..lp[c + 1]].iter().zip(&lx[lp[c]..lp[c + 1]]) {
            s += l * xs[i as usize - c0];
        }
        xs[c - c0] = v - s;
    }
}

/// Runs `f` compiled for AVX2 when the CPU has it (the helper thread does not inherit the
/// caller's target features; the same operations either way, so the same bits).
#[inline(always)]
fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        unsafe fn run<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        if has_avx2() {
            // SAFETY: the CPU supports AVX2 (checked at run time).
            return unsafe { run(f) };
        }
    }
    f()
}

/// `KEEL_QP_THREADS` (if set to a number) and whether the machine has two cores, read once.
fn thread_env() -> (Option<usize>, bool) {
    static ENV: std::sync::OnceLock<(Option<usize>, bool)> = std::sync::OnceLock::new();
    *ENV.get_or_init(|| {
        let forced = std::env::var("KEEL_QP_THREADS").ok().and_then(|v| v.trim().parse::<usize>().ok());
        (forced, std::thread::available_parallelism().map(|n| n.get() >= 2).unwrap_or(false))
    })
}

/// Whether work above the size thresholds is shared with a second thread: by default when
/// the machine has two cores or more; `KEEL_QP_THREADS=1` keeps everything on the calling
/// thread. The split work gives the bits one thread gives.
pub(crate) fn share_work() -> bool {
    let (forced, two) = thread_env();
    forced.unwrap_or(2) >= 2 && two
}

/// Whether the interior point's setup computes its two AMD orders at once (`ipm::newton`): only
/// with `KEEL_QP_THREADS=2` (or more) and two cores (measured slower on a loaded machine).
pub(crate) fn two_cores() -> bool {
    let (forced, two) = thread_env();
    forced.unwrap_or(1) >= 2 && two
}

/// Groups narrower than this are updated by plain rank-4 updates: the blocked kernel's tiles
/// would mostly compute padding.
const BLOCKED_MIN_WIDTH: usize = 5;

/// Scratch of `schur_groups`: a group's columns packed contiguously, each padded with zeros to
/// a multiple of 8 rows, as L and as L·D.
#[derive(Debug, Clone, Default)]
struct SchurScratch {
    pack: Vec<f64>,
    packd: Vec<f64>,
}

fn round8(w: usize) -> usize {
    w.div_ceil(8) * 8
}

/// The Schur update of groups `gs` into `dense` (see `TailFactor::schur_update`): for a group
/// of C columns with the row pattern `pat` (width w), S(pat, pat) −= Σ_c L(pat, c) d_c L(pat, c)ᵀ.
/// Wide groups go through a register-blocked kernel (`tile`): each R × 4 tile of the group's
/// w × w block is summed over all C columns in registers, then stored once. R = 8 with
/// AVX-512, else 4 (what fits the vector registers); every entry is computed by the same
/// operations in the same order whatever R and the instruction set, so the bits are the same.
fn schur_groups(sym: &TailSymbolic, tx: &[f64], d: &[f64], gs: std::ops::Range<usize>, t: usize, dense: &mut [f64], buf: &mut [f64], scratch: &mut SchurScratch) {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx512() {
            // SAFETY: the CPU supports AVX-512F (checked at run time).
            unsafe { schur_groups_avx512(sym, tx, d, gs, t, dense, buf, scratch) };
            return;
        }
        if has_avx2() {
            // SAFETY: the CPU supports AVX2 (checked at run time).
            unsafe { schur_groups_avx2(sym, tx, d, gs, t, dense, buf, scratch) };
            return;
        }
    }
    schur_groups_body::<4>(sym, tx, d, gs, t, dense, buf, scratch)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn schur_groups_avx2(sym: &TailSymbolic, tx: &[f64], d: &[f64], gs: std::ops::Range<usize>, t: usize, dense: &mut [f64], buf: &mut [f64], scratch: &mut SchurScratch) {
    schur_groups_body::<4>(sym, tx, d, gs, t, dense, buf, scratch)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn schur_groups_avx512(sym: &TailSymbolic, tx: &[f64], d: &[f64], gs: std::ops::Range<usize>, t: usize, dense: &mut [f64], buf: &mut [f64], scratch: &mut SchurScratch) {
    schur_groups_body::<8>(sym, tx, d, gs, t, dense, buf, scratch)
}

/// Whether the CPU has AVX2: the hot loops are then compiled for it too (the same operations
/// in the same order, so the results are bit for bit those of the plain build).
#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    static AVX2: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVX2.get_or_init(|| std::is_x86_feature_detected!("avx2"))
}

#[cfg(target_arch = "x86_64")]
fn has_avx512() -> bool {
    static AVX512: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVX512.get_or_init(|| std::is_x86_feature_detected!("avx512f"))
}

#[inline(always)]
fn schur_groups_body<const R: usize>(sym: &TailSymbolic, tx: &[f64], d: &[f64], gs: std::ops::Range<usize>, t: usize, dense: &mut [f64], buf: &mut [f64], scratch: &mut SchurScratch) {
    for g in gs {
        let cols = &sym.g_cols[sym.g_ptr[g]..sym.g_ptr[g + 1]];
        let first = cols[0];
        let pat = &sym.ti[sym.tp[first]..sym.tp[first + 1]];
        let tg = pat.len();
        let buf = &mut buf[..tg * tg];
        if tg < BLOCKED_MIN_WIDTH {
            buf.iter_mut().for_each(|v| *v = 0.0);
            let mut quads = cols.chunks_exact(4);
            for q in &mut quads {
                let l = [&tx[sym.tp[q[0]]..sym.tp[q[0] + 1]], &tx[sym.tp[q[1]]..sym.tp[q[1] + 1]], &tx[sym.tp[q[2]]..sym.tp[q[2] + 1]], &tx[sym.tp[q[3]]..sym.tp[q[3] + 1]]];
                let dd = [d[q[0]], d[q[1]], d[q[2]], d[q[3]]];
                for a in 0..tg {
                    let w = [l[0][a] * dd[0], l[1][a] * dd[1], l[2][a] * dd[2], l[3][a] * dd[3]];
                    let row = &mut buf[a * tg..a * tg + a + 1];
                    for (b, r) in row.iter_mut().enumerate() {
                        *r += w[0] * l[0][b] + w[1] * l[1][b] + w[2] * l[2][b] + w[3] * l[3][b];
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
        } else {
            let wp = round8(tg);
            let nc = cols.len();
            let pack = &mut scratch.pack[..nc * wp];
            let packd = &mut scratch.packd[..nc * wp];
            for (i, &c) in cols.iter().enumerate() {
                let (dst, dstd) = (&mut pack[i * wp..(i + 1) * wp], &mut packd[i * wp..(i + 1) * wp]);
                let dc = d[c];
                for ((p, pd), &l) in dst.iter_mut().zip(dstd.iter_mut()).zip(&tx[sym.tp[c]..sym.tp[c + 1]]) {
                    *p = l;
                    *pd = l * dc;
                }
                dst[tg..].iter_mut().for_each(|v| *v = 0.0);
                dstd[tg..].iter_mut().for_each(|v| *v = 0.0);
            }
            let (pack, packd) = (&*pack, &*packd);
            for a0 in (0..tg).step_by(R) {
                // b0 + 4 ≤ a0 + R ≤ wp: the tile never reads past a column's padding.
                for b0 in (0..(a0 + R).min(tg)).step_by(4) {
                    let acc = tile::<R>(pack, packd, wp, a0, b0);
                    for (s, col) in acc.iter().enumerate() {
                        let b = b0 + s;
                        for (r, &v) in col.iter().enumerate() {
                            let a = a0 + r;
                            if b <= a && a < tg {
                                buf[a * tg + b] = v;
                            }
                        }
                    }
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

/// acc[s][r] = Σ_i (L(a0 + r, i)·d_i)·L(b0 + s, i) over the packed columns i (row stride `wp`;
/// `packd` holds L·D), summed four columns at a time as ((p₀ + p₁) + p₂) + p₃ and then the
/// rest one by one: the order of the plain rank-4 updates, so the results are the same bits.
#[inline(always)]
fn tile<const R: usize>(pack: &[f64], packd: &[f64], wp: usize, a0: usize, b0: usize) -> [[f64; R]; 4] {
    // Four named accumulators (not an indexed array) so that they stay in registers.
    let (mut c0, mut c1, mut c2, mut c3) = ([0.0f64; R], [0.0f64; R], [0.0f64; R], [0.0f64; R]);
    #[inline(always)]
    fn quad<const R: usize>(acc: &mut [f64; R], la: &[[f64; R]; 4], b: [f64; 4]) {
        for r in 0..R {
            acc[r] += la[0][r] * b[0] + la[1][r] * b[1] + la[2][r] * b[2] + la[3][r] * b[3];
        }
    }
    let quads = pack.len() / (4 * wp);
    for q in 0..quads {
        let base = 4 * q * wp;
        let mut la = [[0.0f64; R]; 4];
        for (u, l) in la.iter_mut().enumerate() {
            l.copy_from_slice(&packd[base + u * wp + a0..base + u * wp + a0 + R]);
        }
        let b = |s: usize| [pack[base + b0 + s], pack[base + wp + b0 + s], pack[base + 2 * wp + b0 + s], pack[base + 3 * wp + b0 + s]];
        quad(&mut c0, &la, b(0));
        quad(&mut c1, &la, b(1));
        quad(&mut c2, &la, b(2));
        quad(&mut c3, &la, b(3));
    }
    for i in 4 * quads..pack.len() / wp {
        let base = i * wp;
        let la = &packd[base + a0..base + a0 + R];
        let b = &pack[base + b0..base + b0 + 4];
        for r in 0..R {
            c0[r] += la[r] * b[0];
            c1[r] += la[r] * b[1];
            c2[r] += la[r] * b[2];
            c3[r] += la[r] * b[3];
        }
    }
    [c0, c1, c2, c3]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A random quasi-definite matrix (upper CSC) with a few dense trailing rows.
    /// Uniform numbers in [0, 1) from a seeded xorshift (test data only).
    fn xorshift(seed: u64) -> impl FnMut() -> f64 {
        let mut next = crate::fixtures::xorshift64(seed);
        move || (next() % 10_000) as f64 / 10_000.0
    }

    /// The upper triangle of a dense symmetric matrix as CSC, with the dense copy.
    fn upper_csc(full: Vec<Vec<f64>>) -> (Vec<usize>, Vec<usize>, Vec<f64>, Vec<Vec<f64>>) {
        let n = full.len();
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

    /// ‖full·x − b‖∞.
    fn residual(full: &[Vec<f64>], x: &[f64], b: &[f64]) -> f64 {
        full.iter().zip(b).map(|(row, bi)| (row.iter().zip(x).map(|(a, v)| a * v).sum::<f64>() - bi).abs()).fold(0.0, f64::max)
    }

    fn sample(n: usize, dense_rows: usize, seed: u64) -> (Vec<usize>, Vec<usize>, Vec<f64>, Vec<Vec<f64>>) {
        let mut rnd = xorshift(seed);
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
        upper_csc(full)
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
            let err = residual(&full, &x, &b);
            assert!(err < 1e-10, "n {n}: residual {err}, tail {}", f.symbolic().tail());
        }
    }

    /// Quasi-definite (upper CSC + dense copy): `groups` of (columns, width) sparse columns,
    /// each column joined to the same `width` of the last `t` rows (which are dense among
    /// themselves), so that L₂₁ has groups of those widths.
    fn grouped(groups: &[(usize, usize)], t: usize, seed: u64) -> (Vec<usize>, Vec<usize>, Vec<f64>, Vec<Vec<f64>>) {
        let mut rnd = xorshift(seed);
        let sparse: usize = groups.iter().map(|g| g.0).sum();
        let n = sparse + t;
        let mut full = vec![vec![0.0; n]; n];
        let mut j = 0;
        for &(count, width) in groups {
            // A fixed subset of the tail rows per group (every ⌊t/width⌋-th, shifted).
            let rows: Vec<usize> = (0..width).map(|k| sparse + (k * t / width + j % 3) % t).collect();
            for _ in 0..count {
                for &r in &rows {
                    let v = rnd() - 0.5;
                    full[j][r] = v;
                    full[r][j] = v;
                }
                full[j][j] = 1.0 + rnd();
                j += 1;
            }
        }
        for a in sparse..n {
            for b in sparse..a {
                let v = 0.1 * (rnd() - 0.5);
                full[a][b] = v;
                full[b][a] = v;
            }
            full[a][a] = -(10.0 + rnd());
        }
        upper_csc(full)
    }

    #[test]
    fn wide_groups_factor_accurately_and_refactor_matches_factor() {
        // Widths around the blocked kernel's tiles (5 … 21) and column counts that leave
        // remainders of the four-column steps.
        let groups = [(37, 5), (42, 8), (29, 13), (64, 21), (3, 2), (11, 1)];
        let (cp, ri, vx, full) = grouped(&groups, 30, 7);
        let n = full.len();
        let sym = TailSymbolic::new(n, &cp, &ri).unwrap();
        assert!(sym.tail() >= 30 && sym.tail() < 60, "tail {}", sym.tail());
        let mut f = TailFactor::new(sym);
        f.factor(&cp, &ri, &vx, None).unwrap();
        let b: Vec<f64> = (0..n).map(|i| (i as f64 * 0.61).cos()).collect();
        let mut x = b.clone();
        f.solve(&mut x);
        let err = residual(&full, &x, &b);
        assert!(err < 1e-11, "residual {err}");
        // New diagonal values only: `refactor` (reusing K₂₁) gives the bits `factor` gives.
        let mut vx2 = vx.clone();
        for j in 0..n {
            let last = cp[j + 1] - 1;
            assert_eq!(ri[last], j);
            vx2[last] *= 1.5;
        }
        f.refactor(&cp, &ri, &vx2, None).unwrap();
        let mut y = b.clone();
        f.solve(&mut y);
        let mut g = TailFactor::new(TailSymbolic::new(n, &cp, &ri).unwrap());
        g.factor(&cp, &ri, &vx2, None).unwrap();
        let mut z = b.clone();
        g.solve(&mut z);
        assert!(y.iter().zip(&z).all(|(a, b)| a.to_bits() == b.to_bits()));
        assert!(y.iter().zip(&x).any(|(a, b)| a != b));
    }

    /// Factor and solve with the halves split at `mid` and the Schur update's sums at group
    /// `schur_split` (thresholds forced: these problems are far below them), on one thread or
    /// two: the bits of the pivots, the dense block and the solution.
    fn bits_of(cp: &[usize], ri: &[usize], vx: &[f64], b: &[f64], two: bool, mid: usize, schur_split: usize) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
        let mut f = TailFactor::new(TailSymbolic::split_at(b.len(), cp, ri, mid));
        f.sym.schur_split = schur_split;
        f.set_threads(two);
        f.factor(cp, ri, vx, None).unwrap();
        let mut x = b.to_vec();
        f.solve(&mut x);
        let bits = |v: &[f64]| v.iter().map(|a| a.to_bits()).collect::<Vec<u64>>();
        (bits(&f.d), bits(&f.dense), bits(&x))
    }

    #[test]
    fn two_threads_give_the_bits_of_one() {
        let groups = [(37, 5), (42, 8), (29, 13), (64, 21), (3, 2), (11, 1)];
        let (cp, ri, vx, full) = grouped(&groups, 30, 9);
        let n = full.len();
        // Some zeros in b: the forward pass skips those columns.
        let b: Vec<f64> = (0..n).map(|i| if i % 7 == 3 { 0.0 } else { (i as f64 * 0.43).sin() }).collect();
        let sym = TailSymbolic::new(n, &cp, &ri).unwrap();
        let (t0, g_all) = (sym.t0, sym.g_ptr.len() - 1);
        assert!(sym.tail() >= 30 && g_all >= 4, "tail {} groups {g_all}", sym.tail());
        // No L₁₁ entries here: every column is a cut, and a cut inside a group splits it.
        for (mid, schur_split) in [(0, 1), (1, 1), (t0 / 2, g_all / 2), (t0 - 1, g_all - 1), (40, 2), (7, 0)] {
            let one = bits_of(&cp, &ri, &vx, &b, false, mid, schur_split);
            assert!(bits_of(&cp, &ri, &vx, &b, true, mid, schur_split) == one, "mid {mid} schur_split {schur_split}");
            let x: Vec<f64> = one.2.iter().map(|&u| f64::from_bits(u)).collect();
            assert!(residual(&full, &x, &b) < 1e-11, "mid {mid}");
        }
    }

    #[test]
    fn the_halves_split_between_trees_and_factor_alone() {
        // Blocks of a chain each (one tree per block below the tail), every block tied to a few
        // tail rows: the cuts are the block boundaries.
        let (blocks, size, t) = (9, 12, 6);
        let sparse = blocks * size;
        let n = sparse + t;
        let mut rnd = xorshift(5);
        let mut full = vec![vec![0.0; n]; n];
        for j in 0..sparse {
            full[j][j] = 4.0 + rnd();
            if j % size != 0 {
                let v = rnd() - 0.5;
                full[j][j - 1] = v;
                full[j - 1][j] = v;
            }
            let r = sparse + (j / size + j % 2) % t;
            let v = rnd() - 0.5;
            full[j][r] = v;
            full[r][j] = v;
        }
        for a in sparse..n {
            full[a][a] = -(5.0 + rnd());
        }
        let (cp, ri, vx, full) = upper_csc(full);
        let sym = TailSymbolic::new(n, &cp, &ri).unwrap();
        let t0 = sym.t0;
        assert!(t0 >= sparse - size, "t0 {t0}");
        let cut = cuts(t0, &sym.etree);
        for k in 1..t0 {
            assert_eq!(cut[k], k % size == 0, "k {k}");
        }
        // The balanced cut of equal blocks is the middle boundary (4·12 or 5·12 columns in).
        assert!([48, 60].contains(&balanced_cut(t0, &sym.etree, |_| 1.0)));
        let b: Vec<f64> = (0..n).map(|i| (i as f64 * 0.71).cos()).collect();
        let whole = bits_of(&cp, &ri, &vx, &b, false, 0, 0);
        for mid in [size, 4 * size, 8 * size] {
            let one = bits_of(&cp, &ri, &vx, &b, false, mid, 0);
            assert!(bits_of(&cp, &ri, &vx, &b, true, mid, 0) == one, "mid {mid}");
            // Only the grouping changes with the cut: the pivots below t0 are those of no split.
            assert_eq!(one.0[..t0], whole.0[..t0]);
            let x: Vec<f64> = one.2.iter().map(|&u| f64::from_bits(u)).collect();
            assert!(residual(&full, &x, &b) < 1e-12, "mid {mid}");
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
