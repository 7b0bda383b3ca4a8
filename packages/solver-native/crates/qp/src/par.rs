//! `join(a, b)`: `a` on a helper thread while the caller runs `b`; returns when both are done.
//!
//! The interior point hands a second core a piece of work every few hundred microseconds (the
//! factorisation's halves, each solve's forward and backward passes, the Newton direction's
//! passes over the rows). A scoped thread per piece cost 30–110 µs here (more the longer the
//! second vCPU had idled), a good part of what a piece saves. So there is one helper thread per
//! process, started on first use, that spins for a few milliseconds after each job (the next
//! one usually comes sooner) and then parks.
//!
//! One caller at a time: a caller that finds the helper taken by another (tests run solves on
//! many threads) runs `a` itself before `b`. Callers only pass work whose two parts give the
//! same bits in either order, so the result never depends on where `a` ran.
//!
//! A panic in `a` is caught on the helper and resumed on the caller after both are done; a panic
//! in `b` still waits for `a` (which borrows the caller's data) before it unwinds.
use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::{Mutex, OnceLock, TryLockError};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// How long the helper spins for the next job before it parks.
const SPIN: Duration = Duration::from_millis(5);
/// Spins between two checks of the clock (or, waiting for the helper, between yields).
const SPIN_BATCH: u32 = 256;

/// A job lent to the helper for the duration of one `join`.
struct Job {
    run: *mut (dyn FnMut() + Send),
    panic: Option<Box<dyn Any + Send>>,
}

struct Helper {
    /// Held by the caller whose job the helper runs.
    busy: Mutex<()>,
    job: AtomicPtr<Job>,
    done: AtomicBool,
    thread: Thread,
}

/// The helper, or `None` when the work stays on the calling thread (one core, or
/// `KEEL_QP_THREADS=1`).
fn helper() -> Option<&'static Helper> {
    static HELPER: OnceLock<Option<&'static Helper>> = OnceLock::new();
    *HELPER.get_or_init(|| {
        if !crate::kkt::tail_ldl::share_work() {
            return None;
        }
        let (send, recv) = std::sync::mpsc::channel::<&'static Helper>();
        let spawned = std::thread::Builder::new().name("keel-qp-helper".into()).spawn(move || {
            let me: &'static Helper = Box::leak(Box::new(Helper {
                busy: Mutex::new(()),
                job: AtomicPtr::new(std::ptr::null_mut()),
                done: AtomicBool::new(true),
                thread: std::thread::current(),
            }));
            if send.send(me).is_ok() {
                serve(me);
            }
        });
        spawned.ok().and_then(|_| recv.recv().ok())
    })
}

fn serve(h: &Helper) -> ! {
    loop {
        let since = Instant::now();
        let job = loop {
            let p = h.job.load(Ordering::Acquire);
            if !p.is_null() {
                break p;
            }
            if since.elapsed() < SPIN {
                for _ in 0..SPIN_BATCH {
                    std::hint::spin_loop();
                }
            } else {
                std::thread::park();
            }
        };
        h.job.store(std::ptr::null_mut(), Ordering::Relaxed);
        // SAFETY: the caller keeps the job (and what its closure borrows) alive until `done`.
        let job = unsafe { &mut *job };
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| unsafe { (*job.run)() })) {
            job.panic = Some(panic);
        }
        h.done.store(true, Ordering::Release);
    }
}

/// Waits for the helper's job on drop (also when `b` unwinds).
struct Wait<'a>(&'a Helper);

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        while !self.0.done.load(Ordering::Acquire) {
            for _ in 0..SPIN_BATCH {
                std::hint::spin_loop();
            }
            std::thread::yield_now();
        }
    }
}

/// Runs `a` on the helper thread and `b` on this one (or both here, `a` first, when there is no
/// helper or another caller has it); returns both results.
pub fn join<RA: Send, RB>(a: impl FnOnce() -> RA + Send, b: impl FnOnce() -> RB) -> (RA, RB) {
    let Some(h) = helper() else {
        return (a(), b());
    };
    let _guard = match h.busy.try_lock() {
        Ok(g) => g,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => return (a(), b()),
    };
    let mut a = Some(a);
    let mut ra: Option<RA> = None;
    let mut run = || {
        if let Some(a) = a.take() {
            ra = Some(a());
        }
    };
    let run: &mut (dyn FnMut() + Send + '_) = &mut run;
    // SAFETY: only the lifetime is erased; the helper is done with the closure before `job`
    // and the borrows it holds go out of scope (`Wait` below, also on unwinding).
    let run: *mut (dyn FnMut() + Send + 'static) = unsafe { std::mem::transmute(run) };
    let mut job = Job { run, panic: None };
    h.done.store(false, Ordering::Relaxed);
    h.job.store(&mut job, Ordering::Release);
    h.thread.unpark();
    let rb = {
        let _wait = Wait(h);
        b()
    };
    if let Some(panic) = job.panic.take() {
        resume_unwind(panic);
    }
    (ra.expect("the helper ran the job"), rb)
}

/// `join` when `parallel`, else `a` then `b` here (work too small for the hand-over).
pub fn join_if<RA: Send, RB>(parallel: bool, a: impl FnOnce() -> RA + Send, b: impl FnOnce() -> RB) -> (RA, RB) {
    if parallel {
        join(a, b)
    } else {
        (a(), b())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_halves_run_and_return() {
        let mut left = vec![0u64; 1000];
        let mut right = vec![0u64; 1000];
        for round in 0..200u64 {
            let (a, b) = join(
                || {
                    left.iter_mut().enumerate().for_each(|(i, v)| *v = i as u64 * round);
                    left.iter().sum::<u64>()
                },
                || {
                    right.iter_mut().enumerate().for_each(|(i, v)| *v = i as u64 + round);
                    right.iter().sum::<u64>()
                },
            );
            assert_eq!(a, 499_500 * round);
            assert_eq!(b, 499_500 + 1000 * round);
        }
    }

    #[test]
    fn many_callers_at_once_each_get_their_own_results() {
        std::thread::scope(|s| {
            for t in 0..4u64 {
                s.spawn(move || {
                    for k in 0..500u64 {
                        let (a, b) = join(|| t * 1000 + k, || k);
                        assert_eq!((a, b), (t * 1000 + k, k));
                    }
                });
            }
        });
    }

    #[test]
    fn a_panic_on_either_side_reaches_the_caller_and_the_helper_survives() {
        let r = catch_unwind(|| join(|| panic!("helper side"), || 1));
        assert!(r.is_err());
        let r = catch_unwind(|| join(|| 1, || panic!("caller side")));
        assert!(r.is_err());
        assert_eq!(join(|| 2, || 3), (2, 3));
    }
}
