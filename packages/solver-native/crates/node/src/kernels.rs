//! Binding of the scenario kernels (`keel-kernels`). The TS facade validates first; these
//! functions re-check every size (so no slice can be indexed out of bounds) and aliasing, then
//! read the caller's typed arrays and write `out` in place, without copying.
//!
//! JS surface (see `src/kernels/native-backend.ts`):
//!   kernelsDense(spec, out)            spec {items, holders, scenarios, holderWeights, scenarioValues, itemBase?}
//!   kernelsStructured(spec, out)       spec {items, holders, scenarios, factors, holderWeights, shocks, itemBase?,
//!                                            exposure: {kind: 'dense'|'sparse', first, second?, rowPtr?, bucket?}}
//!   kernelsTail(values, holders, scenarios, alpha, tail)  → {tailCount, var, cvar, worstScenario, worstValue}
//!   kernelsFirstNonFinite(array)       → index or −1
//!   kernelsIsa()                       → 'avx512' | 'avx2+fma' | 'baseline'

use crate::ctx::{Ctx, Element, Exports, JsError, JsResult, TypedArray, Value};
use keel_kernels::dense::Isa;
use keel_kernels::{
    evaluate_dense, evaluate_structured, evaluate_tail, first_non_finite, DenseProblem, Exposure, InputError, StructuredProblem, Tail,
};
use std::ffi::CStr;

pub(crate) fn register(ex: &Exports) -> JsResult<()> {
    ex.function(c"kernelsDense", dense)?;
    ex.function(c"kernelsStructured", structured)?;
    ex.function(c"kernelsTail", tail)?;
    ex.function(c"kernelsFirstNonFinite", non_finite)?;
    ex.function(c"kernelsIsa", isa)?;
    Ok(())
}

fn input(e: InputError) -> JsError {
    JsError::input(e.field, e.message)
}

fn count(cx: &Ctx, spec: Value, name: &CStr) -> JsResult<usize> {
    let field = name.to_str().unwrap_or("?");
    cx.index(cx.get(spec, name)?, 1 << 40, field)
}

/// Inputs and the output as raw views; the output is taken mutably only after checking that it
/// overlaps no input (a `&mut` aliasing a `&` would be undefined behaviour).
struct Views {
    inputs: Vec<(String, (usize, usize))>,
}

impl Views {
    fn new() -> Self {
        Views { inputs: Vec::new() }
    }
    fn add<T: Element>(&mut self, cx: &Ctx, v: Value, path: &str) -> JsResult<TypedArray<T>> {
        let ta = cx.typed_array::<T>(v, path)?;
        if !ta.is_empty() {
            self.inputs.push((path.to_string(), ta.byte_range()));
        }
        Ok(ta)
    }
    fn opt<T: Element>(&mut self, cx: &Ctx, obj: Value, name: &CStr, path: &str) -> JsResult<Option<TypedArray<T>>> {
        match cx.get_opt(obj, name)? {
            Some(v) => Ok(Some(self.add::<T>(cx, v, path)?)),
            None => Ok(None),
        }
    }
    fn output(&self, cx: &Ctx, v: Value) -> JsResult<TypedArray<f64>> {
        let out = cx.typed_array::<f64>(v, "out")?;
        let (o0, o1) = out.byte_range();
        if let Some((name, _)) = self.inputs.iter().find(|(_, (a0, a1))| o0 < *a1 && *a0 < o1 && o0 < o1) {
            return Err(JsError::input("out", format!("must not overlap {name}")));
        }
        Ok(out)
    }
}

fn dense(cx: &Ctx) -> JsResult<Value> {
    let spec = cx.expect_object(cx.arg(0)?, "spec")?;
    let mut v = Views::new();
    let h = v.add::<f64>(cx, cx.get(spec, c"holderWeights")?, "holderWeights")?;
    let r = v.add::<f64>(cx, cx.get(spec, c"scenarioValues")?, "scenarioValues")?;
    let base = v.opt::<f64>(cx, spec, c"itemBase", "itemBase")?;
    let mut out = v.output(cx, cx.arg(1)?)?;
    // SAFETY: the arrays are arguments of this call (alive, attached); `out` overlaps none of
    // the inputs (checked), and inputs are only read.
    let p = unsafe {
        DenseProblem {
            items: count(cx, spec, c"items")?,
            holders: count(cx, spec, c"holders")?,
            scenarios: count(cx, spec, c"scenarios")?,
            holder_weights: h.as_slice(),
            scenario_values: r.as_slice(),
            item_base: base.as_ref().map(|b| b.as_slice()),
        }
    };
    evaluate_dense(&p, unsafe { out.as_mut_slice() }, None).map_err(input)?;
    cx.undefined()
}

fn structured(cx: &Ctx) -> JsResult<Value> {
    let spec = cx.expect_object(cx.arg(0)?, "spec")?;
    let mut v = Views::new();
    let h = v.add::<f64>(cx, cx.get(spec, c"holderWeights")?, "holderWeights")?;
    let x = v.add::<f64>(cx, cx.get(spec, c"shocks")?, "shocks")?;
    let base = v.opt::<f64>(cx, spec, c"itemBase", "itemBase")?;
    let e = cx.expect_object(cx.get(spec, c"exposure")?, "exposure")?;
    let kind = cx.string(cx.get(e, c"kind")?, "exposure.kind")?;
    let first = v.add::<f64>(cx, cx.get(e, c"first")?, "exposure.first")?;
    let second = v.opt::<f64>(cx, e, c"second", "exposure.second")?;
    let sparse = match kind.as_str() {
        "dense" => None,
        "sparse" => Some((
            v.add::<i32>(cx, cx.get(e, c"rowPtr")?, "exposure.rowPtr")?,
            v.add::<i32>(cx, cx.get(e, c"bucket")?, "exposure.bucket")?,
        )),
        _ => return Err(JsError::input("exposure.kind", "must be \"dense\" or \"sparse\"")),
    };
    let mut out = v.output(cx, cx.arg(1)?)?;
    // SAFETY: as in `dense`.
    let p = unsafe {
        let first = first.as_slice();
        let second = second.as_ref().map(|g| g.as_slice());
        StructuredProblem {
            items: count(cx, spec, c"items")?,
            holders: count(cx, spec, c"holders")?,
            scenarios: count(cx, spec, c"scenarios")?,
            factors: count(cx, spec, c"factors")?,
            holder_weights: h.as_slice(),
            exposure: match &sparse {
                None => Exposure::Dense { first, second },
                Some((rp, b)) => Exposure::Sparse { row_ptr: rp.as_slice(), bucket: b.as_slice(), first, second },
            },
            shocks: x.as_slice(),
            item_base: base.as_ref().map(|b| b.as_slice()),
        }
    };
    evaluate_structured(&p, unsafe { out.as_mut_slice() }, None).map_err(input)?;
    cx.undefined()
}

fn tail(cx: &Ctx) -> JsResult<Value> {
    let values = cx.slice::<f64>(cx.arg(0)?, "values")?;
    let holders = cx.index(cx.arg(1)?, 1 << 40, "holders")?;
    let scenarios = cx.index(cx.arg(2)?, 1 << 40, "scenarios")?;
    let alpha = cx.number(cx.arg(3)?, "alpha")?;
    let tail = match cx.string(cx.arg(4)?, "tail")?.as_str() {
        "low" => Tail::Low,
        "high" => Tail::High,
        other => return Err(JsError::input("tail", format!("must be \"low\" or \"high\" (got \"{other}\")"))),
    };
    let st = evaluate_tail(values, holders, scenarios, alpha, tail, None).map_err(input)?;
    let o = cx.object()?;
    cx.set_f64(o, c"tailCount", st.tail_count as f64)?;
    cx.set(o, c"var", cx.f64_array(&st.var)?)?;
    cx.set(o, c"cvar", cx.f64_array(&st.cvar)?)?;
    let (ws, dst) = cx.new_typed_array::<i32>(holders)?;
    dst.copy_from_slice(&st.worst_scenario);
    cx.set(o, c"worstScenario", ws)?;
    cx.set(o, c"worstValue", cx.f64_array(&st.worst_value)?)?;
    Ok(o)
}

fn non_finite(cx: &Ctx) -> JsResult<Value> {
    let a = cx.slice::<f64>(cx.arg(0)?, "array")?;
    cx.f64_value(first_non_finite(a).map_or(-1.0, |i| i as f64))
}

fn isa(cx: &Ctx) -> JsResult<Value> {
    cx.str_value(Isa::detect().name())
}
