/**
 * Approximate minimum degree ordering (Amestoy, Davis & Duff, SIAM J. Matrix Anal. Appl. 1996)
 * on the quotient graph: eliminated pivots become "elements" (cliques stored as a list of
 * their variables) instead of adding fill edges, so memory stays O(nnz). Degrees are the
 * paper's approximate external degrees; indistinguishable variables are merged into
 * supervariables (found by hashing), variables whose only neighbour is the new element are
 * eliminated with it (mass elimination), and elements covered by the new one are absorbed
 * (aggressive absorption). Rows much denser than the rest are ordered last, untouched.
 *
 * Input: the sparsity pattern of a symmetric N × N matrix as CSC (either triangle or both;
 * the diagonal is ignored). Output: `perm` with perm[k] = the original index pivoted k-th.
 */

// Node states.
const VARIABLE = 0; // alive, principal
const ELEMENT = 1; // eliminated, its list is the clique Le
const ABSORBED = 2; // dead element, or a variable merged into another supervariable / element
const DENSE = 3; // removed up front, ordered last

/**
 * `denseFactor` sets the dense-row threshold max(16, denseFactor·√N) (default 10): rows above it
 * are ordered last without entering the quotient graph.
 */
export function amdOrder(N: number, colPtr: Int32Array, rowIdx: Int32Array, denseFactor = 10): Int32Array {
  const perm = new Int32Array(N);
  if (N === 0) return perm;

  // ---- full adjacency without the diagonal, duplicates removed --------------------------
  const deg = new Int32Array(N);
  const seen = new Int32Array(N).fill(-1);
  for (let j = 0; j < N; j++) {
    for (let p = colPtr[j]!; p < colPtr[j + 1]!; p++) {
      const i = rowIdx[p]!;
      if (i === j) continue;
      deg[i]!++;
      deg[j]!++;
    }
  }
  let nnz = 0;
  for (let j = 0; j < N; j++) nnz += deg[j]!;
  const poolInit = nnz + Math.floor(nnz / 5) + 2 * N + 16;
  let iw = new Int32Array(poolInit);
  let spare = new Int32Array(poolInit);
  const pe = new Int32Array(N);
  const len = new Int32Array(N);
  {
    let pos = 0;
    for (let j = 0; j < N; j++) {
      pe[j] = pos;
      pos += deg[j]!;
    }
    for (let j = 0; j < N; j++) {
      for (let p = colPtr[j]!; p < colPtr[j + 1]!; p++) {
        const i = rowIdx[p]!;
        if (i === j) continue;
        iw[pe[i]! + len[i]!++] = j;
        iw[pe[j]! + len[j]!++] = i;
      }
    }
    // Remove duplicates (when both triangles were given).
    for (let j = 0; j < N; j++) {
      let w = pe[j]!;
      for (let p = pe[j]!; p < pe[j]! + len[j]!; p++) {
        const i = iw[p]!;
        if (seen[i] === j) continue;
        seen[i] = j;
        iw[w++] = i;
      }
      len[j] = w - pe[j]!;
    }
  }
  let free = nnz; // first unused slot of the pool

  const state = new Uint8Array(N);
  const nv = new Int32Array(N).fill(1); // supervariable size; negated while in the new element
  const elen = new Int32Array(N); // number of elements at the front of a variable's list
  const degree = new Int32Array(N);
  const w = new Int32Array(N); // |Le \ Lk| + mark during one pivot step
  let mark = 1;
  const head = new Int32Array(N + 1).fill(-1); // degree buckets
  const next = new Int32Array(N).fill(-1);
  const prev = new Int32Array(N).fill(-1);
  const hashHead = new Int32Array(N).fill(-1);
  const hashNext = new Int32Array(N).fill(-1);
  const hashOf = new Int32Array(N);
  // Members of each supervariable / pivot, as linked chains emitted at elimination time.
  const memberNext = new Int32Array(N).fill(-1);
  const memberTail = new Int32Array(N);
  for (let i = 0; i < N; i++) memberTail[i] = i;
  const appendMembers = (to: number, from: number) => {
    memberNext[memberTail[to]!] = from;
    memberTail[to] = memberTail[from]!;
  };

  let out = 0; // next position in perm
  const denseTail: number[] = [];
  const dense = Math.max(16, Math.floor(denseFactor * Math.sqrt(N)));
  let eliminated = 0; // number of original nodes ordered (nel)

  const removeFromBucket = (i: number) => {
    const nx = next[i]!;
    const pv = prev[i]!;
    if (nx !== -1) prev[nx] = pv;
    if (pv !== -1) next[pv] = nx;
    else head[degree[i]!] = nx;
  };
  const insertInBucket = (i: number, d: number) => {
    const h = head[d]!;
    next[i] = h;
    prev[i] = -1;
    if (h !== -1) prev[h] = i;
    head[d] = i;
  };

  for (let i = 0; i < N; i++) {
    const d = len[i]!;
    degree[i] = d;
    if (d === 0) {
      perm[out++] = i;
      state[i] = ABSORBED;
      nv[i] = 0;
      eliminated++;
    } else if (d > dense) {
      state[i] = DENSE;
      nv[i] = 0;
      denseTail.push(i);
      eliminated++;
    } else insertInBucket(i, d);
  }

  const compact = (need: number) => {
    // Copies every live list to the spare pool (object order), then swaps pools.
    let size = iw.length;
    let used = 0;
    for (let i = 0; i < N; i++) if (state[i] === VARIABLE || state[i] === ELEMENT) used += len[i]!;
    while (used + need > size) size *= 2;
    if (spare.length < size) spare = new Int32Array(size);
    let pos = 0;
    for (let i = 0; i < N; i++) {
      if (state[i] !== VARIABLE && state[i] !== ELEMENT) continue;
      const start = pe[i]!;
      for (let p = 0; p < len[i]!; p++) spare[pos + p] = iw[start + p]!;
      pe[i] = pos;
      pos += len[i]!;
    }
    const t = iw;
    iw = spare;
    spare = t.length >= size ? t : new Int32Array(size);
    free = pos;
  };

  let mindeg = 0;
  let lemax = 0;
  while (eliminated < N) {
    // ---- pick a variable of minimum approximate degree --------------------------------
    while (mindeg < N && head[mindeg] === -1) mindeg++;
    if (mindeg >= N) break; // only dense variables left
    const k = head[mindeg]!;
    removeFromBucket(k);
    const elenk = elen[k]!;
    let nvk = nv[k]!;
    eliminated += nvk;

    // ---- form the new element Lk = (Ak ∪ ⋃ Le for e ∈ Ek) \ k ----------------------------
    if (elenk > 0) {
      let need = len[k]!;
      for (let t = 0; t < elenk; t++) {
        const e = iw[pe[k]! + t]!;
        if (state[e] === ELEMENT) need += len[e]!;
      }
      if (free + need > iw.length) compact(need);
    }
    nv[k] = -nvk;
    const pk = pe[k]!;
    const lk1 = elenk === 0 ? pk : free; // in place when k touches no element
    let lk2 = lk1;
    let dk = 0;
    for (let t = 0; t <= elenk; t++) {
      let e: number;
      let p: number;
      let ln: number;
      if (t < elenk) {
        e = iw[pk + t]!;
        if (state[e] !== ELEMENT) continue;
        p = pe[e]!;
        ln = len[e]!;
      } else {
        e = k;
        p = pk + elenk;
        ln = len[k]! - elenk;
      }
      for (let s = 0; s < ln; s++) {
        const i = iw[p + s]!;
        const nvi = nv[i]!;
        if (nvi <= 0) continue; // dead, dense, or already in Lk
        dk += nvi;
        nv[i] = -nvi;
        iw[lk2++] = i;
        removeFromBucket(i);
      }
      if (e !== k) {
        state[e] = ABSORBED; // e ⊆ k now
      }
    }
    if (elenk !== 0) free = lk2;
    state[k] = ELEMENT;
    pe[k] = lk1;
    len[k] = lk2 - lk1;
    elen[k] = 0;
    degree[k] = dk;

    // ---- scan 1: w[e] - mark = |Le \ Lk| for every element touching Lk ----------------
    if (mark + lemax + 2 >= 0x3fffffff) {
      w.fill(0);
      mark = 1;
    }
    for (let s = lk1; s < lk2; s++) {
      const i = iw[s]!;
      const eln = elen[i]!;
      if (eln <= 0) continue;
      const nvi = -nv[i]!;
      for (let p = pe[i]!, end = pe[i]! + eln; p < end; p++) {
        const e = iw[p]!;
        if (state[e] !== ELEMENT) continue;
        if (w[e]! >= mark) w[e]! -= nvi;
        else w[e] = degree[e]! + mark - nvi;
      }
    }

    // ---- scan 2: approximate degrees, pruning, mass elimination, hashing --------------
    for (let s = lk1; s < lk2; s++) {
      const i = iw[s]!;
      const p1 = pe[i]!;
      const eEnd = p1 + elen[i]!;
      const end = p1 + len[i]!;
      let pn = p1;
      let d = 0;
      let h = 0;
      for (let p = p1; p < eEnd; p++) {
        const e = iw[p]!;
        if (state[e] !== ELEMENT) continue;
        const dext = w[e]! - mark;
        if (dext > 0) {
          d += dext;
          iw[pn++] = e;
          h += e;
        } else state[e] = ABSORBED; // Le ⊆ Lk: aggressive absorption
      }
      const nElems = pn - p1;
      for (let p = eEnd; p < end; p++) {
        const j = iw[p]!;
        const nvj = nv[j]!;
        if (nvj <= 0) continue; // dead, dense, or covered by element k
        d += nvj;
        iw[pn++] = j;
        h += j;
      }
      if (d === 0) {
        // Mass elimination: i's only neighbour is element k.
        const nvi = -nv[i]!;
        dk -= nvi;
        nvk += nvi;
        eliminated += nvi;
        nv[i] = 0;
        state[i] = ABSORBED;
        appendMembers(k, i);
      } else {
        degree[i] = Math.min(degree[i]!, d);
        // Put k first: shift the list right by one (at least one entry was pruned, so it fits).
        for (let p = pn; p > p1; p--) iw[p] = iw[p - 1]!;
        iw[p1] = k;
        elen[i] = nElems + 1;
        len[i] = pn - p1 + 1;
        const hh = h % N;
        hashOf[i] = hh;
        hashNext[i] = hashHead[hh]!;
        hashHead[hh] = i;
      }
    }
    degree[k] = dk;
    if (dk > lemax) lemax = dk;
    mark += lemax + 1;

    // ---- supervariable detection: merge variables of Lk with identical lists ----------
    for (let s = lk1; s < lk2; s++) {
      const first = iw[s]!;
      if (nv[first]! >= 0) continue; // absorbed meanwhile
      const hh = hashOf[first]!;
      let i = hashHead[hh]!;
      hashHead[hh] = -1;
      for (; i !== -1 && hashNext[i] !== -1; i = hashNext[i]!) {
        mark++;
        const ln = len[i]!;
        const eln = elen[i]!;
        for (let p = pe[i]! + 1; p < pe[i]! + ln; p++) w[iw[p]!] = mark;
        let last = i;
        let j = hashNext[i]!;
        while (j !== -1) {
          let same = len[j] === ln && elen[j] === eln;
          for (let p = pe[j]! + 1; same && p < pe[j]! + ln; p++) if (w[iw[p]!] !== mark) same = false;
          if (same) {
            nv[i]! += nv[j]!; // both negative while in Lk
            nv[j] = 0;
            state[j] = ABSORBED;
            appendMembers(i, j);
            j = hashNext[j]!;
            hashNext[last] = j;
          } else {
            last = j;
            j = hashNext[j]!;
          }
        }
      }
    }
    mark++;

    // ---- finalise Lk: restore sizes, external degrees, back into buckets --------------
    let q = lk1;
    for (let s = lk1; s < lk2; s++) {
      const i = iw[s]!;
      const nvi = -nv[i]!;
      if (nvi <= 0) continue;
      nv[i] = nvi;
      let d = degree[i]! + dk - nvi;
      const cap = N - eliminated - nvi;
      if (d > cap) d = cap;
      if (d < 0) d = 0;
      degree[i] = d;
      insertInBucket(i, d);
      if (d < mindeg) mindeg = d;
      iw[q++] = i;
    }
    nv[k] = nvk;
    len[k] = q - lk1;
    if (len[k] === 0) state[k] = ABSORBED;
    if (elenk !== 0) free = q;

    // ---- emit k's members in elimination order ------------------------------------------
    for (let v = k; v !== -1; v = memberNext[v]!) perm[out++] = v;
  }
  for (const i of denseTail) perm[out++] = i;
  if (out !== N) throw new Error(`amd: ordered ${out} of ${N} nodes`);
  return perm;
}
