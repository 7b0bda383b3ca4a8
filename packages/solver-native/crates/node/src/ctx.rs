//! The safe layer over `napi.rs`: one call's context (`Ctx`), conversions with JSON-path
//! errors, zero-copy typed arrays, type-tagged externals, and the boundary every exported
//! function goes through (`Exports::function`), which turns `Err` into a thrown JS error and
//! catches every Rust panic so none crosses into Node.
//!
//! Binding modules (`qp.rs`, `kernels.rs`, ...) use only this module, never `napi` directly.
#![allow(dead_code)]

use crate::napi::*;
use std::cell::RefCell;
use std::ffi::{c_char, c_void, CStr};
use std::fmt::Display;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::null_mut;

pub(crate) type Value = napi_value;
pub(crate) type TypeTag = napi_type_tag;

/// Error codes set on thrown errors (`err.code` in JS).
pub(crate) mod codes {
    /// Invalid input; the message starts with the offending path.
    pub const INPUT: &str = "KEEL_INPUT";
    /// A Rust panic was caught at the boundary; the process is fine, the call failed.
    pub const PANIC: &str = "KEEL_NATIVE_PANIC";
    /// An N-API call failed (should not happen).
    pub const NAPI: &str = "KEEL_NAPI";
    /// The object is in a state that forbids the call (disposed, poisoned by a panic).
    pub const STATE: &str = "KEEL_STATE";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    Error,
    Type,
    Range,
    /// A JS exception is already pending (an N-API call threw): do not throw another.
    Pending,
}

#[derive(Debug, Clone)]
pub(crate) struct JsError {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: String,
}

impl JsError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        JsError { kind, code, message: message.into() }
    }
    /// Bad value at `path` (a JSON path such as `A.rowIdx[17]`).
    pub fn input(path: impl Display, message: impl Display) -> Self {
        Self::new(ErrorKind::Error, codes::INPUT, format!("{path}: {message}"))
    }
    /// Wrong JS type at `path`.
    pub fn type_error(path: impl Display, message: impl Display) -> Self {
        Self::new(ErrorKind::Type, codes::INPUT, format!("{path}: {message}"))
    }
    pub fn range(path: impl Display, message: impl Display) -> Self {
        Self::new(ErrorKind::Range, codes::INPUT, format!("{path}: {message}"))
    }
    pub fn state(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Error, codes::STATE, message)
    }
    fn napi(what: &str, status: napi_status) -> Self {
        Self::new(ErrorKind::Error, codes::NAPI, format!("N-API call {what} failed with status {status}"))
    }
    fn pending() -> Self {
        Self::new(ErrorKind::Pending, codes::NAPI, "pending exception")
    }
}

pub(crate) type JsResult<T> = Result<T, JsError>;

/// An exported function: reads its arguments from `Ctx`, returns a JS value or an error.
pub(crate) type Callback = fn(&Ctx) -> JsResult<Value>;

const MAX_ARGS: usize = 8;

/// Element types of typed arrays that can be viewed without copying.
pub(crate) trait Element: Copy + 'static {
    const KIND: napi_typedarray_type;
    const NAME: &'static str;
}
macro_rules! element {
    ($t:ty, $k:expr, $n:literal) => {
        impl Element for $t {
            const KIND: napi_typedarray_type = $k;
            const NAME: &'static str = $n;
        }
    };
}
element!(f64, NAPI_FLOAT64_ARRAY, "Float64Array");
element!(f32, NAPI_FLOAT32_ARRAY, "Float32Array");
element!(i32, NAPI_INT32_ARRAY, "Int32Array");
element!(u32, NAPI_UINT32_ARRAY, "Uint32Array");
element!(i16, NAPI_INT16_ARRAY, "Int16Array");
element!(u16, NAPI_UINT16_ARRAY, "Uint16Array");
element!(i8, NAPI_INT8_ARRAY, "Int8Array");
element!(u8, NAPI_UINT8_ARRAY, "Uint8Array");

/// A caller-owned typed array viewed in place (its byte offset already applied). Valid for the
/// duration of the native call it came from; two views may alias the same ArrayBuffer, so
/// check `overlaps` before taking a mutable slice next to another view.
pub(crate) struct TypedArray<T: Element> {
    ptr: *mut T,
    len: usize,
    _t: PhantomData<T>,
}

impl<T: Element> TypedArray<T> {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Byte range `[start, end)` in memory, for overlap checks between views.
    pub fn byte_range(&self) -> (usize, usize) {
        let start = self.ptr as usize;
        (start, start + self.len * std::mem::size_of::<T>())
    }
    pub fn overlaps<U: Element>(&self, other: &TypedArray<U>) -> bool {
        let (a0, a1) = self.byte_range();
        let (b0, b1) = other.byte_range();
        a0 < b1 && b0 < a1 && self.len > 0 && other.len > 0
    }
    /// # Safety
    /// No mutable view of the same memory may be alive while this slice is used.
    pub unsafe fn as_slice<'s>(&self) -> &'s [T] {
        std::slice::from_raw_parts(self.ptr, self.len)
    }
    /// # Safety
    /// No other view of the same memory may be alive while this slice is used.
    pub unsafe fn as_mut_slice<'s>(&mut self) -> &'s mut [T] {
        std::slice::from_raw_parts_mut(self.ptr, self.len)
    }
}

/// One native call: the environment, `this` and the arguments.
pub(crate) struct Ctx {
    env: napi_env,
    this: Value,
    argc: usize,
    argv: [Value; MAX_ARGS],
}

impl Ctx {
    fn check(&self, status: napi_status, what: &str) -> JsResult<()> {
        if status == NAPI_OK {
            return Ok(());
        }
        let mut pending = false;
        // SAFETY: env is the live environment of this call.
        unsafe { napi_is_exception_pending(self.env, &mut pending) };
        Err(if pending { JsError::pending() } else { JsError::napi(what, status) })
    }

    /// Number of arguments actually passed (capped at 8).
    pub fn argc(&self) -> usize {
        self.argc
    }
    /// Argument `i`, or `undefined` when absent.
    pub fn arg(&self, i: usize) -> JsResult<Value> {
        if i < self.argc {
            Ok(self.argv[i])
        } else {
            self.undefined()
        }
    }
    pub fn this(&self) -> Value {
        self.this
    }

    // ---- reading -------------------------------------------------------------------------

    pub fn type_of(&self, v: Value) -> JsResult<napi_valuetype> {
        let mut t = 0;
        self.check(unsafe { napi_typeof(self.env, v, &mut t) }, "napi_typeof")?;
        Ok(t)
    }
    pub fn is_nullish(&self, v: Value) -> JsResult<bool> {
        let t = self.type_of(v)?;
        Ok(t == NAPI_UNDEFINED || t == NAPI_NULL)
    }
    /// A plain JS object (not null, not a function).
    pub fn expect_object(&self, v: Value, path: impl Display) -> JsResult<Value> {
        if self.type_of(v)? != NAPI_OBJECT {
            return Err(JsError::type_error(path, "expected an object"));
        }
        Ok(v)
    }
    /// Property `name` of `obj` (undefined when missing).
    pub fn get(&self, obj: Value, name: &CStr) -> JsResult<Value> {
        let mut out = null_mut();
        self.check(unsafe { napi_get_named_property(self.env, obj, name.as_ptr(), &mut out) }, "napi_get_named_property")?;
        Ok(out)
    }
    /// Property `name`, or `None` when undefined or null.
    pub fn get_opt(&self, obj: Value, name: &CStr) -> JsResult<Option<Value>> {
        let v = self.get(obj, name)?;
        Ok(if self.is_nullish(v)? { None } else { Some(v) })
    }
    pub fn number(&self, v: Value, path: impl Display) -> JsResult<f64> {
        if self.type_of(v)? != NAPI_NUMBER {
            return Err(JsError::type_error(path, "expected a number"));
        }
        let mut out = 0.0;
        self.check(unsafe { napi_get_value_double(self.env, v, &mut out) }, "napi_get_value_double")?;
        Ok(out)
    }
    pub fn finite(&self, v: Value, path: impl Display) -> JsResult<f64> {
        let x = self.number(v, &path)?;
        if !x.is_finite() {
            return Err(JsError::input(path, "must be a finite number"));
        }
        Ok(x)
    }
    /// A non-negative integer no larger than `max`.
    pub fn index(&self, v: Value, max: usize, path: impl Display) -> JsResult<usize> {
        let x = self.number(v, &path)?;
        if !(x >= 0.0 && x.fract() == 0.0 && x <= max as f64) {
            return Err(JsError::input(path, format!("must be an integer in [0, {max}]")));
        }
        Ok(x as usize)
    }
    pub fn boolean(&self, v: Value, path: impl Display) -> JsResult<bool> {
        if self.type_of(v)? != NAPI_BOOLEAN {
            return Err(JsError::type_error(path, "expected a boolean"));
        }
        let mut out = false;
        self.check(unsafe { napi_get_value_bool(self.env, v, &mut out) }, "napi_get_value_bool")?;
        Ok(out)
    }
    pub fn string(&self, v: Value, path: impl Display) -> JsResult<String> {
        if self.type_of(v)? != NAPI_STRING {
            return Err(JsError::type_error(path, "expected a string"));
        }
        let mut len = 0usize;
        self.check(unsafe { napi_get_value_string_utf8(self.env, v, null_mut(), 0, &mut len) }, "napi_get_value_string_utf8")?;
        let mut buf = vec![0u8; len + 1];
        let mut written = 0usize;
        self.check(
            unsafe { napi_get_value_string_utf8(self.env, v, buf.as_mut_ptr() as *mut c_char, buf.len(), &mut written) },
            "napi_get_value_string_utf8",
        )?;
        buf.truncate(written);
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    /// Views a typed array of element type `T` in place (no copy).
    pub fn typed_array<T: Element>(&self, v: Value, path: impl Display) -> JsResult<TypedArray<T>> {
        let mut is_ta = false;
        self.check(unsafe { napi_is_typedarray(self.env, v, &mut is_ta) }, "napi_is_typedarray")?;
        if !is_ta {
            return Err(JsError::type_error(path, format!("expected a {}", T::NAME)));
        }
        let mut kind = 0;
        let mut len = 0usize;
        let mut data: *mut c_void = null_mut();
        let mut buffer = null_mut();
        let mut offset = 0usize;
        self.check(
            unsafe { napi_get_typedarray_info(self.env, v, &mut kind, &mut len, &mut data, &mut buffer, &mut offset) },
            "napi_get_typedarray_info",
        )?;
        if kind != T::KIND {
            return Err(JsError::type_error(path, format!("expected a {}", T::NAME)));
        }
        // `data` already includes the byte offset. A zero-length or detached view may be null.
        let ptr = if data.is_null() || len == 0 {
            if len != 0 {
                return Err(JsError::input(path, "typed array's buffer is detached"));
            }
            std::ptr::NonNull::<T>::dangling().as_ptr()
        } else {
            data as *mut T
        };
        if (ptr as usize) % std::mem::align_of::<T>() != 0 {
            return Err(JsError::input(path, format!("{} is not aligned to its element size", T::NAME)));
        }
        Ok(TypedArray { ptr, len, _t: PhantomData })
    }
    /// Read-only view of a typed array for the duration of this call.
    pub fn slice<T: Element>(&self, v: Value, path: impl Display) -> JsResult<&[T]> {
        let ta = self.typed_array::<T>(v, path)?;
        // SAFETY: the array is an argument (or reachable from one) of this call, so it stays
        // alive and attached until we return; we never hand out a mutable view of it here.
        Ok(unsafe { ta.as_slice() })
    }

    // ---- creating ------------------------------------------------------------------------

    pub fn undefined(&self) -> JsResult<Value> {
        let mut out = null_mut();
        self.check(unsafe { napi_get_undefined(self.env, &mut out) }, "napi_get_undefined")?;
        Ok(out)
    }
    pub fn null(&self) -> JsResult<Value> {
        let mut out = null_mut();
        self.check(unsafe { napi_get_null(self.env, &mut out) }, "napi_get_null")?;
        Ok(out)
    }
    pub fn bool_value(&self, b: bool) -> JsResult<Value> {
        let mut out = null_mut();
        self.check(unsafe { napi_get_boolean(self.env, b, &mut out) }, "napi_get_boolean")?;
        Ok(out)
    }
    pub fn f64_value(&self, x: f64) -> JsResult<Value> {
        let mut out = null_mut();
        self.check(unsafe { napi_create_double(self.env, x, &mut out) }, "napi_create_double")?;
        Ok(out)
    }
    pub fn u32_value(&self, x: u32) -> JsResult<Value> {
        let mut out = null_mut();
        self.check(unsafe { napi_create_uint32(self.env, x, &mut out) }, "napi_create_uint32")?;
        Ok(out)
    }
    pub fn str_value(&self, s: &str) -> JsResult<Value> {
        let mut out = null_mut();
        self.check(
            unsafe { napi_create_string_utf8(self.env, s.as_ptr() as *const c_char, s.len(), &mut out) },
            "napi_create_string_utf8",
        )?;
        Ok(out)
    }
    pub fn object(&self) -> JsResult<Value> {
        let mut out = null_mut();
        self.check(unsafe { napi_create_object(self.env, &mut out) }, "napi_create_object")?;
        Ok(out)
    }
    pub fn set(&self, obj: Value, name: &CStr, v: Value) -> JsResult<()> {
        self.check(unsafe { napi_set_named_property(self.env, obj, name.as_ptr(), v) }, "napi_set_named_property")
    }
    pub fn set_f64(&self, obj: Value, name: &CStr, x: f64) -> JsResult<()> {
        let v = self.f64_value(x)?;
        self.set(obj, name, v)
    }
    pub fn set_str(&self, obj: Value, name: &CStr, s: &str) -> JsResult<()> {
        let v = self.str_value(s)?;
        self.set(obj, name, v)
    }
    pub fn set_bool(&self, obj: Value, name: &CStr, b: bool) -> JsResult<()> {
        let v = self.bool_value(b)?;
        self.set(obj, name, v)
    }
    /// A new JS-owned typed array of `len` zeros, with a mutable view to fill it.
    pub fn new_typed_array<T: Element>(&self, len: usize) -> JsResult<(Value, &mut [T])> {
        let mut data: *mut c_void = null_mut();
        let mut buffer = null_mut();
        let bytes = len.checked_mul(std::mem::size_of::<T>()).ok_or_else(|| JsError::range("length", "too large"))?;
        self.check(unsafe { napi_create_arraybuffer(self.env, bytes, &mut data, &mut buffer) }, "napi_create_arraybuffer")?;
        let mut out = null_mut();
        self.check(unsafe { napi_create_typedarray(self.env, T::KIND, len, buffer, 0, &mut out) }, "napi_create_typedarray")?;
        let ptr = if data.is_null() || len == 0 { std::ptr::NonNull::<T>::dangling().as_ptr() } else { data as *mut T };
        // SAFETY: fresh buffer of exactly len elements (ArrayBuffers are zero-filled and
        // 8-byte aligned), referenced by nothing else yet.
        Ok((out, unsafe { std::slice::from_raw_parts_mut(ptr, len) }))
    }
    /// A new Float64Array holding a copy of `xs`.
    pub fn f64_array(&self, xs: &[f64]) -> JsResult<Value> {
        let (v, dst) = self.new_typed_array::<f64>(xs.len())?;
        dst.copy_from_slice(xs);
        Ok(v)
    }

    // ---- externals: native objects owned by the JS garbage collector -----------------------

    /// Moves `value` into a JS external tagged with `tag`; it is dropped when the external is
    /// collected. `bytes` (an estimate of its heap size) is reported to the GC.
    pub fn external<T: 'static>(&self, value: T, tag: &TypeTag, bytes: usize) -> JsResult<Value> {
        let boxed = Box::into_raw(Box::new(Owned { bytes: bytes as i64, value }));
        let mut out = null_mut();
        let status =
            unsafe { napi_create_external(self.env, boxed as *mut c_void, Some(finalize_owned::<T>), null_mut(), &mut out) };
        if let Err(e) = self.check(status, "napi_create_external") {
            // SAFETY: the external was not created, so we still own the box.
            drop(unsafe { Box::from_raw(boxed) });
            return Err(e);
        }
        self.check(unsafe { napi_type_tag_object(self.env, out, tag) }, "napi_type_tag_object")?;
        let mut adjusted = 0i64;
        unsafe { napi_adjust_external_memory(self.env, bytes as i64, &mut adjusted) };
        Ok(out)
    }
    /// The value inside an external created by `external` with the same `tag`.
    pub fn external_mut<T: 'static>(&self, v: Value, tag: &TypeTag, path: impl Display) -> JsResult<&mut T> {
        if self.type_of(v)? != NAPI_EXTERNAL {
            return Err(JsError::type_error(path, "expected a native handle"));
        }
        let mut ok = false;
        self.check(unsafe { napi_check_object_type_tag(self.env, v, tag, &mut ok) }, "napi_check_object_type_tag")?;
        if !ok {
            return Err(JsError::type_error(path, "native handle of the wrong kind"));
        }
        let mut data: *mut c_void = null_mut();
        self.check(unsafe { napi_get_value_external(self.env, v, &mut data) }, "napi_get_value_external")?;
        if data.is_null() {
            return Err(JsError::state("native handle is empty"));
        }
        // SAFETY: the tag proves `data` is the `Owned<T>` we boxed; the external keeps it alive
        // during this call, and calls on one JS thread never overlap.
        Ok(unsafe { &mut (*(data as *mut Owned<T>)).value })
    }
}

struct Owned<T> {
    bytes: i64,
    value: T,
}

unsafe extern "C" fn finalize_owned<T: 'static>(env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let owned = Box::from_raw(data as *mut Owned<T>);
        let mut adjusted = 0i64;
        napi_adjust_external_memory(env, -owned.bytes, &mut adjusted);
        drop(owned);
    }));
}

// ---- the boundary ----------------------------------------------------------------------------

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records where a panic happened (for the thrown error's message) instead of printing it;
/// `KEEL_NATIVE_PANIC_TRACE=1` also runs the default hook (message and backtrace on stderr).
pub(crate) fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        let trace = std::env::var_os("KEEL_NATIVE_PANIC_TRACE").is_some_and(|v| v != "0");
        std::panic::set_hook(Box::new(move |info| {
            let where_ = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
            let what = panic_text(info.payload());
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{what}{where_}")));
            if trace {
                previous(info);
            }
        }));
    });
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

/// Runs `f` so that neither an error nor a panic escapes: both become a pending JS exception.
pub(crate) fn guard(env: napi_env, f: impl FnOnce() -> JsResult<Value>) -> Value {
    LAST_PANIC.with(|p| p.borrow_mut().take());
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            throw(env, &e);
            null_mut()
        }
        Err(payload) => {
            let detail = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| panic_text(payload.as_ref()));
            let e = JsError::new(ErrorKind::Error, codes::PANIC, format!("internal error in native code (Rust panic: {detail})"));
            throw(env, &e);
            null_mut()
        }
    }
}

fn throw(env: napi_env, e: &JsError) {
    // SAFETY: env is the live environment of the current call; strings are valid UTF-8.
    unsafe {
        let mut pending = false;
        napi_is_exception_pending(env, &mut pending);
        if pending || e.kind == ErrorKind::Pending {
            return;
        }
        let mut code = null_mut();
        let mut msg = null_mut();
        let mut err = null_mut();
        napi_create_string_utf8(env, e.code.as_ptr() as *const c_char, e.code.len(), &mut code);
        napi_create_string_utf8(env, e.message.as_ptr() as *const c_char, e.message.len(), &mut msg);
        let status = match e.kind {
            ErrorKind::Type => napi_create_type_error(env, code, msg, &mut err),
            ErrorKind::Range => napi_create_range_error(env, code, msg, &mut err),
            _ => napi_create_error(env, code, msg, &mut err),
        };
        if status == NAPI_OK {
            napi_throw(env, err);
        }
    }
}

unsafe extern "C" fn trampoline(env: napi_env, info: napi_callback_info) -> napi_value {
    guard(env, || {
        let mut ctx = Ctx { env, this: null_mut(), argc: MAX_ARGS, argv: [null_mut(); MAX_ARGS] };
        let mut data: *mut c_void = null_mut();
        let status = napi_get_cb_info(env, info, &mut ctx.argc, ctx.argv.as_mut_ptr(), &mut ctx.this, &mut data);
        if status != NAPI_OK || data.is_null() {
            return Err(JsError::napi("napi_get_cb_info", status));
        }
        ctx.argc = ctx.argc.min(MAX_ARGS);
        // SAFETY: `data` is the `Callback` fn pointer stored by `Exports::function`.
        let f: Callback = std::mem::transmute::<*mut c_void, Callback>(data);
        f(&ctx)
    })
}

/// The module's `exports` object while registering.
pub(crate) struct Exports {
    ctx: Ctx,
    obj: Value,
}

impl Exports {
    pub(crate) fn new(env: napi_env, obj: Value) -> Self {
        Exports { ctx: Ctx { env, this: obj, argc: 0, argv: [null_mut(); MAX_ARGS] }, obj }
    }
    /// Exports `f` as a JS function `name`; errors and panics inside it become JS exceptions.
    pub fn function(&self, name: &CStr, f: Callback) -> JsResult<()> {
        let mut out = null_mut();
        let bytes = name.to_bytes();
        self.ctx.check(
            unsafe {
                napi_create_function(self.ctx.env, bytes.as_ptr() as *const c_char, bytes.len(), Some(trampoline), f as usize as *mut c_void, &mut out)
            },
            "napi_create_function",
        )?;
        self.ctx.set(self.obj, name, out)
    }
    /// Exports a plain value (built with `ctx()`).
    pub fn value(&self, name: &CStr, v: Value) -> JsResult<()> {
        self.ctx.set(self.obj, name, v)
    }
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }
}
