//! Splitting work across threads with `std::thread::scope`.

use std::thread;

/// Threads to use for `work` multiply-adds: all available cores (at most 8) for big problems,
/// one below 2·10⁶ (a fraction of a millisecond of SIMD work), where spawning and joining a
/// thread (tens of µs, far more on a loaded machine) costs more than it saves.
pub fn thread_count(work: f64) -> usize {
    if work < 2e6 {
        return 1;
    }
    let cores = thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
    cores.max(1)
}

/// `parts` contiguous ranges covering 0..len, sizes multiples of `align` except the last.
pub(crate) fn ranges(len: usize, parts: usize, align: usize) -> Vec<(usize, usize)> {
    let parts = parts.max(1).min(len.max(1));
    let mut out = Vec::with_capacity(parts);
    let mut start = 0;
    for p in 0..parts {
        let left = parts - p;
        let mut size = (len - start).div_ceil(left);
        if p + 1 < parts {
            size = size.div_ceil(align) * align;
        }
        let end = (start + size).min(len);
        out.push((start, end));
        start = end;
    }
    out
}

/// Splits a rows × cols row-major matrix by column ranges: piece `t` holds, for every row, the
/// columns of `ranges[t]`. Safe disjoint borrows, so each thread writes only its own columns.
pub(crate) fn split_columns<'a>(out: &'a mut [f64], cols: usize, ranges: &[(usize, usize)]) -> Vec<Vec<&'a mut [f64]>> {
    let mut pieces: Vec<Vec<&'a mut [f64]>> = ranges.iter().map(|_| Vec::new()).collect();
    for row in out.chunks_mut(cols) {
        let mut rest = row;
        let mut at = 0;
        for (t, &(s0, s1)) in ranges.iter().enumerate() {
            debug_assert_eq!(s0, at);
            let (piece, tail) = rest.split_at_mut(s1 - s0);
            pieces[t].push(piece);
            rest = tail;
            at = s1;
        }
    }
    pieces
}

/// Index of the first NaN or ±∞, scanning in parallel; `None` when all are finite.
pub fn first_non_finite(a: &[f64]) -> Option<usize> {
    first_non_finite_with(a, thread_count(a.len() as f64 / 4.0))
}

fn first_non_finite_with(a: &[f64], threads: usize) -> Option<usize> {
    let scan = |lo: usize, hi: usize| -> Option<usize> {
        // Blocks of 1024 with a branch-free test on the exponent bits (integer ORs vectorise;
        // a float accumulator would not), then the exact position inside the first bad block.
        const EXP: u64 = 0x7ff0_0000_0000_0000;
        let mut i = lo;
        while i < hi {
            let j = (i + 1024).min(hi);
            let bad = a[i..j].iter().fold(0u64, |m, x| m | u64::from(x.to_bits() & EXP == EXP));
            if bad != 0 {
                return (i..j).find(|&p| !a[p].is_finite());
            }
            i = j;
        }
        None
    };
    if threads == 1 {
        return scan(0, a.len());
    }
    let rs = ranges(a.len(), threads, 1024);
    thread::scope(|sc| {
        let handles: Vec<_> = rs.iter().map(|&(lo, hi)| sc.spawn(move || scan(lo, hi))).collect();
        handles.into_iter().filter_map(|h| h.join().unwrap_or(None)).min()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_the_second_thread_reaches_the_caller() {
        // What the N-API layer relies on: a scoped worker's panic resumes on the calling
        // thread when the scope joins (and is caught there), never aborting the process.
        let r = std::panic::catch_unwind(|| {
            thread::scope(|s| {
                s.spawn(|| panic!("worker"));
            })
        });
        assert!(r.is_err());
    }

    #[test]
    fn ranges_cover_and_align() {
        for (len, parts, align) in [(10, 2, 4), (3, 8, 1), (10_000, 2, 4), (1, 1, 4), (7, 3, 2)] {
            let r = ranges(len, parts, align);
            assert_eq!(r.first().unwrap().0, 0);
            assert_eq!(r.last().unwrap().1, len);
            for w in r.windows(2) {
                assert_eq!(w[0].1, w[1].0);
                assert_eq!((w[0].1 - w[0].0) % align, 0);
            }
        }
    }

    #[test]
    fn split_columns_is_disjoint_and_complete() {
        let mut m: Vec<f64> = (0..12).map(|x| x as f64).collect();
        let r = ranges(4, 2, 1);
        let pieces = split_columns(&mut m, 4, &r);
        assert_eq!(pieces[0].iter().map(|p| p.to_vec()).collect::<Vec<_>>(), vec![vec![0., 1.], vec![4., 5.], vec![8., 9.]]);
        assert_eq!(pieces[1].iter().map(|p| p.to_vec()).collect::<Vec<_>>(), vec![vec![2., 3.], vec![6., 7.], vec![10., 11.]]);
    }

    #[test]
    fn first_non_finite_finds_the_first() {
        for threads in [1, 2, 3] {
            let mut a = vec![1.0; 1_000_000];
            assert_eq!(first_non_finite_with(&a, threads), None);
            a[765_432] = f64::INFINITY;
            a[900_001] = f64::NAN;
            assert_eq!(first_non_finite_with(&a, threads), Some(765_432));
            a[3] = f64::NEG_INFINITY;
            assert_eq!(first_non_finite_with(&a, threads), Some(3));
            assert_eq!(first_non_finite_with(&[], threads), None);
        }
        assert_eq!(first_non_finite(&[0.0, f64::NAN]), Some(1));
    }
}
