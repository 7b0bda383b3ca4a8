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
    head: Vec<usize>,
    next: Vec<usize>,
    last: Vec<usize>,
}

impl Graph {
    fn dl_insert(&mut self, i: usize, d: usize) {
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
            self.head[self.degree[i]] = nx;
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
    amd_order_dense(n, colptr, rowidx, 10.0)
}

/// `amd_order` with the dense threshold max(16, `dense_factor`·√n) (10 in `amd_order`):
/// rows above it are ordered last without entering the quotient graph. A lower factor keeps
/// medium-dense rows out of the graph too, where each would otherwise be rescanned at every
/// pivot next to it.
pub fn amd_order_dense(n: usize, colptr: &[usize], rowidx: &[usize], dense_factor: f64) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
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
        } else {
            g.dl_insert(i, g.degree[i]);
        }
    }
    let to_eliminate = n - dense_nodes.len();

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

        // 4. Degree bounds, pruning, absorption, mass elimination; hash for step 5.
        for t in lme_start..lme_end {
            let i = g.iw[t];
            let (p1, eln, ln) = (g.pe[i], g.elen[i], g.len[i]);
            let mut pn = p1;
            let mut deg: i64 = 0;
            let mut h: u64 = 0;
            for s in 0..eln {
                let e = g.iw[p1 + s];
                if g.kind[e] != Node::Elem {
                    continue;
                }
                let dext = w[e] - wflg;
                if dext > 0 {
                    deg += dext;
                    g.iw[pn] = e;
                    pn += 1;
                    h = h.wrapping_add(e as u64);
                } else {
                    // Le ⊆ Lme: e is redundant next to me (aggressive absorption).
                    g.kind[e] = Node::Absorbed;
                    g.parent[e] = me;
                }
            }
            let elen_new = pn - p1 + 1;
            let p3 = pn;
            for s in eln..ln {
                let j = g.iw[p1 + s];
                if g.kind[j] == Node::Var && g.nv[j] > 0 {
                    deg += g.nv[j];
                    g.iw[pn] = j;
                    pn += 1;
                    h = h.wrapping_add(j as u64);
                }
            }
            if elen_new == 1 && p3 == pn {
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
            g.dl_insert(i, deg);
            mindeg = mindeg.min(deg);
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
    for d in dense_nodes {
        perm[k] = d;
        k += 1;
    }
    perm
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

    #[test]
    fn handles_empty_and_disconnected_patterns() {
        assert!(amd_order(0, &[0], &[]).is_empty());
        let perm = amd_order(3, &[0, 1, 2, 3], &[0, 1, 2]);
        assert!(is_permutation(&perm, 3));
        // Random sparse symmetric patterns: always a valid permutation, never worse than dense.
        let mut seed = 12345u64;
        let mut rnd = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
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
