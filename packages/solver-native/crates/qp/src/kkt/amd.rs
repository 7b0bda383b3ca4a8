//! Approximate minimum degree ordering (Amestoy, Davis & Duff, SIAM J. Matrix Anal. Appl.
//! 17(4), 1996), written for this crate.
//!
//! Elimination is simulated on the quotient graph: each uneliminated *variable* keeps a list
//! of adjacent *elements* (eliminated pivots, standing for the cliques they create) followed
//! by adjacent variables; each element keeps its variable list. Per pivot:
//!   1. take a variable of least approximate degree;
//!   2. form its element Lme = union of its variables and of its elements' variables
//!      (those elements are absorbed);
//!   3. for every element e next to Lme compute |Le \ Lme| with the w-flag trick;
//!   4. bound each i ∈ Lme's external degree by the AMD formula, prune its lists, absorb
//!      elements with Le ⊆ Lme (aggressive absorption), eliminate i at once when only the
//!      new element touches it (mass elimination);
//!   5. merge indistinguishable variables into supervariables (hash, then compare lists);
//!   6. put Lme's variables back in the degree lists.
//! Dense rows (more than max(16, 10√n) entries) are removed up front and ordered last, as
//! AMD does; this keeps KKT systems with a few dense constraints (budget, factor rows) cheap.

const NONE: usize = usize::MAX;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Node {
    /// Uneliminated principal variable.
    Var,
    /// Live element (an eliminated pivot).
    Elem,
    /// Variable merged into supervariable `parent`, or eliminated together with element
    /// `parent` (mass elimination).
    Merged,
    /// Element absorbed into element `parent`.
    Absorbed,
    /// Dense variable, ordered last.
    Dense,
}

/// Symmetric adjacency (no diagonal, no duplicates) of the pattern given by `colptr`/`rowidx`
/// (either triangle or both).
fn adjacency(n: usize, colptr: &[usize], rowidx: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut count = vec![0usize; n];
    for j in 0..n {
        for &i in &rowidx[colptr[j]..colptr[j + 1]] {
            if i != j {
                count[i] += 1;
                count[j] += 1;
            }
        }
    }
    let mut start = vec![0usize; n + 1];
    for i in 0..n {
        start[i + 1] = start[i] + count[i];
    }
    let mut fill = start.clone();
    let mut adj = vec![0usize; start[n]];
    for j in 0..n {
        for &i in &rowidx[colptr[j]..colptr[j + 1]] {
            if i != j {
                adj[fill[i]] = j;
                fill[i] += 1;
                adj[fill[j]] = i;
                fill[j] += 1;
            }
        }
    }
    // Remove duplicates (an entry given in both triangles) in place, list by list.
    let mut mark = vec![NONE; n];
    let mut out_ptr = vec![0usize; n + 1];
    let mut w = 0;
    for i in 0..n {
        out_ptr[i] = w;
        for k in start[i]..start[i + 1] {
            let j = adj[k];
            if mark[j] != i {
                mark[j] = i;
                adj[w] = j;
                w += 1;
            }
        }
    }
    out_ptr[n] = w;
    adj.truncate(w);
    (out_ptr, adj)
}

struct Graph {
    n: usize,
    iw: Vec<usize>,
    pe: Vec<usize>,
    len: Vec<usize>,
    elen: Vec<usize>,
    nv: Vec<i64>,
    kind: Vec<Node>,
    parent: Vec<usize>,
    degree: Vec<usize>,
    /// Degree list each variable sits in (its degree plus its dense count).
    key: Vec<usize>,
    head: Vec<usize>,
    next: Vec<usize>,
    last: Vec<usize>,
}

impl Graph {
    fn dl_insert(&mut self, i: usize, d: usize) {
        self.key[i] = d;
        let h = self.head[d];
        self.next[i] = h;
        self.last[i] = NONE;
        if h != NONE {
            self.last[h] = i;
        }
        self.head[d] = i;
    }
    fn dl_remove(&mut self, i: usize) {
        let (p, nx) = (self.last[i], self.next[i]);
        if p != NONE {
            self.next[p] = nx;
        } else {
            self.head[self.key[i]] = nx;
        }
        if nx != NONE {
            self.last[nx] = p;
        }
    }
    /// Copies the lists of live objects to a fresh array (drops dead space).
    fn compact(&mut self) {
        let mut fresh = Vec::with_capacity(self.iw.len() / 2 + self.n);
        for i in 0..self.n {
            if matches!(self.kind[i], Node::Var | Node::Elem) && self.len[i] > 0 {
                let p = self.pe[i];
                self.pe[i] = fresh.len();
                fresh.extend_from_slice(&self.iw[p..p + self.len[i]]);
            }
        }
        self.iw = fresh;
    }
}

/// A fill-reducing permutation of the symmetric matrix with the given pattern:
/// `perm[k]` is the original index placed at position k.
pub fn amd_order(n: usize, colptr: &[usize], rowidx: &[usize]) -> Vec<usize> {
    amd_order_dense(n, colptr, rowidx, 10.0, DenseRows::Ignore)
}

/// How `amd_order_dense` treats the dense rows it orders last.
#[derive(Clone, Copy, Debug)]
pub enum DenseRows<'a> {
    /// As AMD does: out of the graph, out of every degree.
    Ignore,
    /// Counted in the degrees (see `amd_order_dense`). Nodes flagged in `defer` (one flag per
    /// node, or an empty slice) wait for their neighbours that reach dense rows: their degree
    /// also counts the most dense rows such a neighbour reaches. For the Newton system's
    /// equality rows, whose pivots are tiny (−δ): eliminated before their variables they would
    /// put multipliers of order 1/δ into the factor.
    Count { defer: &'a [bool] },
}

/// Up to this many dense rows are tracked per variable by `DenseRows::Count` (bit sets of
/// ⌈count/64⌉ words); beyond it the ordering ignores them as plain AMD does.
const MAX_AWARE_DENSE: usize = 2048;

/// `amd_order` with the dense threshold max(16, `dense_factor`·√n) (10 in `amd_order`):
/// rows above it are ordered last without entering the quotient graph. A lower factor keeps
/// medium-dense rows out of the graph too, where each would otherwise be rescanned at every
/// pivot next to it.
///
/// With `DenseRows::Count`, a variable's degree also counts the dense rows it is (or, through the
/// elements around it, will be) connected to. Plain AMD drops them, so a variable next to many
/// dense rows (an asset's weight in every factor row) looks as cheap as its sparse neighbours
/// and may be eliminated first, which hands all its dense connections to every neighbour
/// eliminated after it: the factor's columns into the dense block multiply. Each variable and
/// element keeps the set of dense rows it reaches as a bit set; degrees, mass elimination and
/// supervariable detection respect it, so the neighbours go first and only the variable itself
/// carries the dense pattern.
pub fn amd_order_dense(n: usize, colptr: &[usize], rowidx: &[usize], dense_factor: f64, dense_rows: DenseRows<'_>) -> Vec<usize> {
    amd_order_report(n, colptr, rowidx, dense_factor, dense_rows).0
}

/// What `amd_order_report` did besides ordering.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AmdReport {
    /// Rows found dense and ordered last.
    pub dense: usize,
    /// Whether they were counted in the degrees (`DenseRows::Count`, at most MAX_AWARE_DENSE of
    /// them); if not, the order is plain AMD's.
    pub counted: bool,
    /// Whether a deferred node took part (flagged, not dense, with dense rows counted).
    pub deferred: bool,
}

/// `amd_order_dense` with its `AmdReport`.
pub fn amd_order_report(n: usize, colptr: &[usize], rowidx: &[usize], dense_factor: f64, dense_rows: DenseRows<'_>) -> (Vec<usize>, AmdReport) {
    if n == 0 {
        return (Vec::new(), AmdReport::default());
    }
    let (ptr, adj) = adjacency(n, colptr, rowidx);
    let mut g = Graph {
        n,
        iw: adj,
        pe: ptr[..n].to_vec(),
        len: (0..n).map(|i| ptr[i + 1] - ptr[i]).collect(),
        elen: vec![0; n],
        nv: vec![1; n],
        kind: vec![Node::Var; n],
        parent: vec![NONE; n],
        degree: vec![0; n],
        key: vec![0; n],
        head: vec![NONE; n + 1],
        next: vec![NONE; n],
        last: vec![NONE; n],
    };
    let dense = ((dense_factor * (n as f64).sqrt()) as usize).max(16);
    let mut dense_nodes = Vec::new();
    for i in 0..n {
        g.degree[i] = g.len[i];
        if g.len[i] > dense && n > dense {
            g.kind[i] = Node::Dense;
            g.nv[i] = 0;
            dense_nodes.push(i);
        }
    }
    let to_eliminate = n - dense_nodes.len();
    // Dense-row sets (see above): `words` u64 per node; for a variable the dense rows next to
    // it, for an element those its clique reaches. `dcount[i]`: dense rows variable i reaches.
    let (aware, defer) = match dense_rows {
        DenseRows::Ignore => (false, &[][..]),
        DenseRows::Count { defer } => (true, defer),
    };
    let words = if aware && dense_nodes.len() <= MAX_AWARE_DENSE { dense_nodes.len().div_ceil(64) } else { 0 };
    let deferring = words > 0 && defer.len() == n && (0..n).any(|i| defer[i] && g.kind[i] == Node::Var);
    let mut dset = vec![0u64; n * words];
    let mut dcount = vec![0usize; n];
    // Extra degree of deferred variables (see `DenseRows::Count`).
    let mut dpen = vec![0usize; n];
    let mut reach = vec![0u64; words];
    // Degrees plus dense counts stay below n + 2·(dense rows) + 2.
    g.head = vec![NONE; n + 2 * dense_nodes.len() + 2];
    if words > 0 {
        let mut dense_id = vec![NONE; n];
        for (k, &d) in dense_nodes.iter().enumerate() {
            dense_id[d] = k;
        }
        for i in 0..n {
            if g.kind[i] != Node::Var {
                continue;
            }
            for &j in &g.iw[g.pe[i]..g.pe[i] + g.len[i]] {
                let k = dense_id[j];
                if k != NONE {
                    dset[i * words + k / 64] |= 1 << (k % 64);
                    dcount[i] += 1;
                }
            }
            g.degree[i] -= dcount[i];
        }
    }
    if deferring {
        for i in 0..n {
            if g.kind[i] == Node::Var && defer[i] {
                let most = g.iw[g.pe[i]..g.pe[i] + g.len[i]].iter().filter(|&&j| g.kind[j] == Node::Var && !defer[j]).map(|&j| dcount[j]).max().unwrap_or(0);
                dpen[i] = if most > 0 { most + 1 } else { 0 };
            }
        }
    }
    for i in 0..n {
        if g.kind[i] == Node::Var {
            g.dl_insert(i, g.degree[i] + dcount[i] + dpen[i]);
        }
    }

    let mut w = vec![0i64; n];
    let mut wflg: i64 = 2;
    let mut lemax: i64 = 0;
    let mut mark = vec![0u64; n];
    let mut mflg: u64 = 0;
    let mut hash = vec![0u64; n];
    let mut hhead = vec![NONE; n];
    let mut hnext = vec![NONE; n];
    let mut step_of = vec![NONE; n];
    let mut pivots: Vec<usize> = Vec::new();
    let mut gc_at = 2 * g.iw.len() + 4 * n;

    let mut nel = 0usize;
    let mut mindeg = 0usize;
    while nel < to_eliminate {
        if g.iw.len() > gc_at {
            g.compact();
            gc_at = (2 * g.iw.len()).max(gc_at);
        }
        // 1. Pivot: a variable of least approximate degree.
        while g.head[mindeg] == NONE {
            mindeg += 1;
        }
        let me = g.head[mindeg];
        g.dl_remove(me);
        step_of[me] = pivots.len();
        pivots.push(me);
        let elenme = g.elen[me];
        let mut nvpiv = g.nv[me];
        nel += nvpiv as usize;
        g.nv[me] = -nvpiv;

        // 2. Lme: the new element's variables, appended at the end of iw. Variables in Lme are
        //    flagged by a negative nv.
        let mut degme: i64 = 0;
        let lme_start = g.iw.len();
        let (p0, ln) = (g.pe[me], g.len[me]);
        for t in 0..ln {
            let x = g.iw[p0 + t];
            if t < elenme {
                if g.kind[x] != Node::Elem {
                    continue;
                }
                for k in 0..words {
                    dset[me * words + k] |= dset[x * words + k];
                }
                let (pe_e, len_e) = (g.pe[x], g.len[x]);
                for s in 0..len_e {
                    let i = g.iw[pe_e + s];
                    if g.kind[i] == Node::Var && g.nv[i] > 0 {
                        degme += g.nv[i];
                        g.nv[i] = -g.nv[i];
                        g.iw.push(i);
                        g.dl_remove(i);
                    }
                }
                g.kind[x] = Node::Absorbed;
                g.parent[x] = me;
            } else if g.kind[x] == Node::Var && g.nv[x] > 0 {
                degme += g.nv[x];
                g.nv[x] = -g.nv[x];
                g.iw.push(x);
                g.dl_remove(x);
            }
        }
        g.kind[me] = Node::Elem;
        g.pe[me] = lme_start;
        g.len[me] = g.iw.len() - lme_start;
        g.elen[me] = 0;
        let lme_end = g.iw.len();
        let mut rebuilt = false;

        // 3. w[e] - wflg = |Le \ Lme| for every live element e adjacent to Lme.
        for t in lme_start..lme_end {
            let i = g.iw[t];
            let nvi = -g.nv[i];
            let (p1, eln) = (g.pe[i], g.elen[i]);
            for s in 0..eln {
                let e = g.iw[p1 + s];
                if g.kind[e] != Node::Elem {
                    continue;
                }
                if w[e] >= wflg {
                    w[e] -= nvi;
                } else {
                    w[e] = g.degree[e] as i64 + wflg - nvi;
                }
            }
        }

        // Most dense rows reached by a (not deferred) variable of Lme, for the deferred ones.
        let most_me = if deferring {
            g.iw[lme_start..lme_end].iter().filter(|&&i| !defer[i]).map(|&i| dcount[i]).max().unwrap_or(0)
        } else {
            0
        };

        // 4. Degree bounds, pruning, absorption, mass elimination; hash for step 5.
        for t in lme_start..lme_end {
            let i = g.iw[t];
            let (p1, eln, ln) = (g.pe[i], g.elen[i], g.len[i]);
            let mut pn = p1;
            let mut deg: i64 = 0;
            let mut h: u64 = 0;
            for k in 0..words {
                reach[k] = dset[i * words + k] | dset[me * words + k];
            }
            for s in 0..eln {
                let e = g.iw[p1 + s];
                if g.kind[e] != Node::Elem {
                    continue;
                }
                for k in 0..words {
                    reach[k] |= dset[e * words + k];
                }
                let dext = w[e] - wflg;
                if dext > 0 {
                    deg += dext;
                    g.iw[pn] = e;
                    pn += 1;
                    h = h.wrapping_add(e as u64);
                } else {
                    // Le ⊆ Lme: e is redundant next to me (aggressive absorption); me inherits
                    // the dense rows it reaches.
                    g.kind[e] = Node::Absorbed;
                    g.parent[e] = me;
                    for k in 0..words {
                        dset[me * words + k] |= dset[e * words + k];
                    }
                }
            }
            // Mass elimination must not hand i's own dense rows to the rest of Lme.
            let own_dense_covered = (0..words).all(|k| dset[i * words + k] & !dset[me * words + k] == 0);
            dcount[i] = reach.iter().map(|v| v.count_ones() as usize).sum();
            let elen_new = pn - p1 + 1;
            let p3 = pn;
            let mut most = most_me;
            for s in eln..ln {
                let j = g.iw[p1 + s];
                if g.kind[j] == Node::Var && g.nv[j] > 0 {
                    deg += g.nv[j];
                    g.iw[pn] = j;
                    pn += 1;
                    h = h.wrapping_add(j as u64);
                    if deferring && !defer[j] {
                        most = most.max(dcount[j]);
                    }
                }
            }
            if deferring && defer[i] {
                dpen[i] = if most > 0 { most + 1 } else { 0 };
            }
            // Nor may it take a deferred node along before the variables it waits for.
            if elen_new == 1 && p3 == pn && own_dense_covered && dpen[i] == 0 {
                // Only the new element touches i: eliminate it together with me.
                let nvi = -g.nv[i];
                g.kind[i] = Node::Merged;
                g.parent[i] = me;
                degme -= nvi;
                nvpiv += nvi;
                nel += nvi as usize;
                g.nv[i] = 0;
                g.elen[i] = 0;
                g.len[i] = 0;
                continue;
            }
            g.degree[i] = g.degree[i].min(deg as usize);
            // Put me first in i's element list. At least one entry was dropped above (me in
            // Ai or an absorbed element), so there is room for it.
            if pn < p1 + ln {
                if p3 < pn {
                    g.iw[pn] = g.iw[p3];
                }
                if p1 < p3 {
                    g.iw[p3] = g.iw[p1];
                }
                g.iw[p1] = me;
                pn += 1;
                g.len[i] = pn - p1;
            } else {
                // Defensive: rebuild the list at the end of iw.
                let start = g.iw.len();
                g.iw.push(me);
                for s in p1..pn {
                    let v = g.iw[s];
                    g.iw.push(v);
                }
                g.pe[i] = start;
                g.len[i] = g.iw.len() - start;
                rebuilt = true;
            }
            g.elen[i] = elen_new;
            hash[i] = h.wrapping_add(me as u64);
            let b = (hash[i] % n as u64) as usize;
            hnext[i] = hhead[b];
            hhead[b] = i;
        }
        g.degree[me] = degme as usize;
        lemax = lemax.max(degme);
        wflg += lemax + 1;

        // 5. Supervariables: merge variables of Lme with identical lists.
        for t in lme_start..lme_end {
            let i0 = g.iw[t];
            if g.nv[i0] >= 0 {
                continue;
            }
            let b = (hash[i0] % n as u64) as usize;
            let mut cur = hhead[b];
            hhead[b] = NONE;
            while cur != NONE {
                let i = cur;
                if g.nv[i] < 0 {
                    mflg += 1;
                    let (pi, li) = (g.pe[i], g.len[i]);
                    for s in pi..pi + li {
                        mark[g.iw[s]] = mflg;
                    }
                    let mut prev = i;
                    let mut j = hnext[i];
                    while j != NONE {
                        let nxt = hnext[j];
                        let same = g.nv[j] < 0
                            && hash[j] == hash[i]
                            && g.len[j] == li
                            && g.elen[j] == g.elen[i]
                            && (0..words).all(|k| dset[j * words + k] == dset[i * words + k])
                            && (g.pe[j]..g.pe[j] + g.len[j]).all(|s| mark[g.iw[s]] == mflg);
                        if same {
                            g.nv[i] += g.nv[j];
                            g.nv[j] = 0;
                            g.kind[j] = Node::Merged;
                            g.parent[j] = i;
                            g.elen[j] = 0;
                            g.len[j] = 0;
                            hnext[prev] = nxt;
                        } else {
                            prev = j;
                        }
                        j = nxt;
                    }
                }
                cur = hnext[i];
            }
        }

        // 6. Finalise Lme and return its variables to the degree lists.
        let nleft = (to_eliminate - nel) as i64;
        let mut pn = lme_start;
        for t in lme_start..lme_end {
            let i = g.iw[t];
            let nvi = -g.nv[i];
            if nvi <= 0 {
                continue;
            }
            g.nv[i] = nvi;
            let deg = (g.degree[i] as i64 + degme - nvi).min(nleft - nvi).max(0) as usize;
            g.degree[i] = deg;
            g.dl_insert(i, deg + dcount[i] + dpen[i]);
            mindeg = mindeg.min(deg + dcount[i] + dpen[i]);
            g.iw[pn] = i;
            pn += 1;
        }
        g.nv[me] = nvpiv;
        g.len[me] = pn - lme_start;
        if !rebuilt {
            g.iw.truncate(pn);
        }
    }

    // Order: pivots in elimination order, each followed by the variables merged into it or
    // eliminated with it; dense variables last.
    let mut group = vec![NONE; n];
    for v in 0..n {
        if g.kind[v] == Node::Dense {
            continue;
        }
        let mut r = v;
        while step_of[r] == NONE {
            r = g.parent[r];
        }
        group[v] = step_of[r];
        // Path compression keeps long merge chains cheap.
        let mut c = v;
        while step_of[c] == NONE {
            let nx = g.parent[c];
            g.parent[c] = r;
            c = nx;
        }
    }
    let mut count = vec![0usize; pivots.len() + 1];
    for v in 0..n {
        if group[v] != NONE {
            count[group[v] + 1] += 1;
        }
    }
    for k in 0..pivots.len() {
        count[k + 1] += count[k];
    }
    let mut perm = vec![0usize; n];
    for v in 0..n {
        if group[v] != NONE {
            perm[count[group[v]]] = v;
            count[group[v]] += 1;
        }
    }
    let mut k = n - dense_nodes.len();
    for &d in &dense_nodes {
        perm[k] = d;
        k += 1;
    }
    let report = AmdReport { dense: dense_nodes.len(), counted: words > 0, deferred: deferring };
    (perm, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upper-triangular pattern of the 5-point Laplacian on a k × k grid.
    fn grid(k: usize) -> (usize, Vec<usize>, Vec<usize>) {
        let n = k * k;
        let mut colptr = vec![0];
        let mut rowidx = Vec::new();
        for j in 0..n {
            let (r, c) = (j / k, j % k);
            if r > 0 {
                rowidx.push(j - k);
            }
            if c > 0 {
                rowidx.push(j - 1);
            }
            rowidx.push(j);
            colptr.push(rowidx.len());
        }
        (n, colptr, rowidx)
    }

    /// nnz of the Cholesky factor's strict lower part under `perm`, by symbolic elimination.
    fn fill(n: usize, colptr: &[usize], rowidx: &[usize], perm: &[usize]) -> usize {
        let mut pinv = vec![0; n];
        for (k, &p) in perm.iter().enumerate() {
            pinv[p] = k;
        }
        let mut cp = vec![0usize; n + 1];
        let mut entries: Vec<(usize, usize)> = Vec::new();
        for j in 0..n {
            for &i in &rowidx[colptr[j]..colptr[j + 1]] {
                let (a, b) = (pinv[i], pinv[j]);
                entries.push((a.min(b), a.max(b)));
            }
        }
        entries.sort_by_key(|&(r, c)| (c, r));
        let mut ri = Vec::new();
        for &(r, c) in &entries {
            cp[c + 1] += 1;
            ri.push(r);
        }
        for j in 0..n {
            cp[j + 1] += cp[j];
        }
        let sym = crate::kkt::ldl::Symbolic::new(n, &cp, &ri).unwrap();
        sym.nnz()
    }

    fn is_permutation(perm: &[usize], n: usize) -> bool {
        let mut seen = vec![false; n];
        perm.len() == n && perm.iter().all(|&p| p < n && !std::mem::replace(&mut seen[p], true))
    }

    #[test]
    fn orders_a_grid_with_far_less_fill_than_natural_order() {
        let (n, cp, ri) = grid(40);
        let perm = amd_order(n, &cp, &ri);
        assert!(is_permutation(&perm, n));
        let natural: Vec<usize> = (0..n).collect();
        let f_nat = fill(n, &cp, &ri, &natural);
        let f_amd = fill(n, &cp, &ri, &perm);
        // Natural order fills the band (~k per column: 62,400); minimum degree is O(n log n).
        assert!(f_amd * 2 < f_nat, "amd {f_amd} vs natural {f_nat}");
        assert!(f_amd < 25_000, "amd fill {f_amd}");
    }

    #[test]
    fn arrow_matrix_puts_the_dense_row_last() {
        // Dense first row/column: natural order fills everything, AMD none.
        let n = 400;
        let mut cp = vec![0];
        let mut ri = Vec::new();
        for j in 0..n {
            if j > 0 {
                ri.push(0);
            }
            ri.push(j);
            cp.push(ri.len());
        }
        let perm = amd_order(n, &cp, &ri);
        assert!(is_permutation(&perm, n));
        assert_eq!(perm[n - 1], 0);
        assert_eq!(fill(n, &cp, &ri, &perm), n - 1);
    }

    /// Clusters like a portfolio's assets: a hub x next to `dense` dense rows, two rows r1, r2
    /// joining x and a local t, and t next to one more dense row. Returns the pattern and, per
    /// cluster, (x, r1, r2, t).
    fn clusters(count: usize, dense: usize) -> (usize, Vec<usize>, Vec<usize>, Vec<[usize; 4]>) {
        let n = 4 * count + dense + 1;
        let first_dense = 4 * count;
        let mut cols: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut nodes = Vec::new();
        for c in 0..count {
            let (x, r1, r2, t) = (4 * c, 4 * c + 1, 4 * c + 2, 4 * c + 3);
            nodes.push([x, r1, r2, t]);
            cols[r1].extend([x]);
            cols[r2].extend([x]);
            cols[t].extend([r1, r2]);
            for k in 0..dense {
                cols[first_dense + k].push(x);
            }
            cols[first_dense + dense].push(t);
        }
        let (mut cp, mut ri) = (vec![0], Vec::new());
        for (j, c) in cols.iter_mut().enumerate() {
            c.push(j);
            c.sort();
            ri.extend_from_slice(c);
            cp.push(ri.len());
        }
        (n, cp, ri, nodes)
    }

    #[test]
    fn counting_dense_rows_eliminates_the_hub_after_its_neighbours() {
        let (n, cp, ri, nodes) = clusters(300, 12);
        let plain = amd_order_dense(n, &cp, &ri, 1.0, DenseRows::Ignore);
        let counted = amd_order_dense(n, &cp, &ri, 1.0, DenseRows::Count { defer: &[] });
        assert!(is_permutation(&plain, n) && is_permutation(&counted, n));
        let mut pos = vec![0; n];
        for (k, &v) in counted.iter().enumerate() {
            pos[v] = k;
        }
        for &[x, r1, r2, t] in &nodes {
            assert!(pos[x] > pos[r1] && pos[x] > pos[r2] && pos[x] > pos[t], "cluster at {x}");
        }
        // Only the hub's column reaches the 12 factor rows (plus t's row): about 14 entries per
        // cluster instead of the 3 × 13 that eliminating the hub first gives.
        let (f_plain, f_counted) = (fill(n, &cp, &ri, &plain), fill(n, &cp, &ri, &counted));
        assert!(f_counted * 3 < f_plain * 2, "counted {f_counted} vs plain {f_plain}");
        assert!(f_counted < 300 * 20 + 13 * 13, "counted fill {f_counted}");
    }

    #[test]
    fn deferred_nodes_wait_for_their_dense_neighbours() {
        // Flag r1 (an equality row next to the hub): it must not be eliminated before x.
        let (n, cp, ri, nodes) = clusters(200, 12);
        let mut defer = vec![false; n];
        for &[_, r1, _, _] in &nodes {
            defer[r1] = true;
        }
        let (perm, report) = amd_order_report(n, &cp, &ri, 1.0, DenseRows::Count { defer: &defer });
        assert_eq!(report, AmdReport { dense: 13, counted: true, deferred: true });
        assert!(is_permutation(&perm, n));
        let mut pos = vec![0; n];
        for (k, &v) in perm.iter().enumerate() {
            pos[v] = k;
        }
        for &[x, r1, _, _] in &nodes {
            assert!(pos[r1] > pos[x], "cluster at {x}");
        }
        // Nothing flagged: no deferral reported, the same order as without flags.
        let none = vec![false; n];
        let (same, report) = amd_order_report(n, &cp, &ri, 1.0, DenseRows::Count { defer: &none });
        assert!(!report.deferred && report.counted);
        assert_eq!(same, amd_order_dense(n, &cp, &ri, 1.0, DenseRows::Count { defer: &[] }));
    }

    #[test]
    fn handles_empty_and_disconnected_patterns() {
        assert!(amd_order(0, &[0], &[]).is_empty());
        let perm = amd_order(3, &[0, 1, 2, 3], &[0, 1, 2]);
        assert!(is_permutation(&perm, 3));
        // Random sparse symmetric patterns: always a valid permutation, never worse than dense.
        let mut rnd = crate::fixtures::xorshift64(12345);
        for trial in 0..20 {
            let n = 50 + trial * 13;
            let mut cols: Vec<Vec<usize>> = vec![Vec::new(); n];
            for _ in 0..(3 * n) {
                let (a, b) = ((rnd() % n as u64) as usize, (rnd() % n as u64) as usize);
                cols[a.max(b)].push(a.min(b));
            }
            let mut cp = vec![0];
            let mut ri = Vec::new();
            for (j, c) in cols.iter_mut().enumerate() {
                c.push(j);
                c.sort();
                c.dedup();
                ri.extend_from_slice(c);
                cp.push(ri.len());
            }
            let perm = amd_order(n, &cp, &ri);
            assert!(is_permutation(&perm, n), "trial {trial}");
            let natural: Vec<usize> = (0..n).collect();
            assert!(fill(n, &cp, &ri, &perm) <= fill(n, &cp, &ri, &natural), "trial {trial}");
        }
    }
}
