//! `keel_native.node`: the N-API addon of @keel/solver-native.
//!
//! The only crate that touches N-API. `napi.rs` declares the raw functions, `ctx.rs` wraps
//! them safely (conversions, errors with JSON paths, panics caught at the boundary); each
//! binding module exports its functions through one `register(&Exports)` call below.

mod ctx;
mod kernels;
mod napi;
mod qp;

use ctx::{Ctx, Exports, JsError, JsResult, Value};

/// Bumped whenever an exported function changes shape; the TS loader refuses a stale addon.
const ABI_VERSION: u32 = 2;

fn register(ex: &Exports) -> JsResult<()> {
    ex.value(c"abiVersion", ex.ctx().u32_value(ABI_VERSION)?)?;
    ex.function(c"__testPanic", test_panic)?;
    kernels::register(ex)?;
    qp::register(ex)?;
    Ok(())
}

/// Test hook: panics on purpose (`'main'` on the calling thread, `'thread'` inside a scoped
/// worker thread) so tests can prove that no panic crosses into Node.
fn test_panic(cx: &Ctx) -> JsResult<Value> {
    let kind = cx.string(cx.arg(0)?, "kind")?;
    match kind.as_str() {
        "main" => panic!("deliberate test panic"),
        "thread" => {
            // A panic in a scoped thread resumes on this thread when the scope joins.
            std::thread::scope(|s| {
                s.spawn(|| -> () { panic!("deliberate test panic in a worker thread") });
            });
            cx.undefined()
        }
        _ => Err(JsError::input("kind", "expected 'main' or 'thread'")),
    }
}

/// Entry point Node looks up when loading the addon (once per thread/worker that loads it).
///
/// # Safety
/// Called by Node with a live environment and exports object.
#[no_mangle]
pub unsafe extern "C" fn napi_register_module_v1(env: napi::napi_env, exports: napi::napi_value) -> napi::napi_value {
    ctx::install_panic_hook();
    ctx::guard(env, || {
        register(&Exports::new(env, exports))?;
        Ok(exports)
    })
}
