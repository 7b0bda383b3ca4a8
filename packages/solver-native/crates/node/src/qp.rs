//! N-API face of `keel-qp`: a workspace is a type-tagged external handle; the functions below
//! mirror `QpWorkspace` in `src/qp/types.ts` (the TS class in `src/native/qp-workspace.ts`
//! wraps them). Data arrives as typed arrays and is copied once into the workspace. The
//! handle holds a `Solver`: ADMM or the interior point, as `settings.method` says.
use crate::ctx::{Ctx, ErrorKind, Exports, JsError, JsResult, TypeTag, Value};
use keel_qp::{CscRef, Method, Problem, ProblemRef, QpError, Settings, SettingsUpdate, Solver};
use std::ffi::CStr;

const TAG: TypeTag = TypeTag { lower: 0x6b65_656c_5f71_7077, upper: 0x6f72_6b73_7061_6365 };
const NONCONVEX: &str = "KEEL_QP_NONCONVEX";
const CAPACITY: &str = "KEEL_QP_CAPACITY";

pub(crate) fn register(ex: &Exports) -> JsResult<()> {
    ex.function(c"qpSetup", setup)?;
    ex.function(c"qpSolve", solve)?;
    ex.function(c"qpUpdateQ", update_q)?;
    ex.function(c"qpUpdateBounds", update_bounds)?;
    ex.function(c"qpUpdatePValues", update_p_values)?;
    ex.function(c"qpUpdateAValues", update_a_values)?;
    ex.function(c"qpUpdateSettings", update_settings)?;
    ex.function(c"qpWarmStart", warm_start)?;
    ex.function(c"qpDispose", dispose)?;
    Ok(())
}

/// The external's content. `busy` stays set if a call panicked half-way, after which the
/// workspace refuses further use instead of running on a possibly inconsistent state.
struct Slot {
    ws: Option<Solver>,
    busy: bool,
}

fn qp_error(e: QpError) -> JsError {
    match e.kind {
        keel_qp::ErrorKind::Input => JsError::input(e.path, e.message),
        keel_qp::ErrorKind::NonConvex => JsError::new(ErrorKind::Error, NONCONVEX, format!("{}: {}", e.path, e.message)),
        keel_qp::ErrorKind::Capacity => JsError::new(ErrorKind::Range, CAPACITY, e.message),
    }
}

fn with_ws<R>(cx: &Ctx, handle: Value, f: impl FnOnce(&mut Solver) -> JsResult<R>) -> JsResult<R> {
    let slot: &mut Slot = cx.external_mut(handle, &TAG, "workspace")?;
    if slot.busy {
        return Err(JsError::state("QP workspace is unusable after an internal error; create a new one"));
    }
    slot.busy = true;
    let ws = slot.ws.as_mut().ok_or_else(|| JsError::state("QP workspace has been disposed"))?;
    let r = f(ws);
    slot.busy = false;
    r
}

fn csc<'a>(cx: &'a Ctx, obj: Value, name: &str) -> JsResult<CscRef<'a>> {
    cx.expect_object(obj, name)?;
    let dim = |key: &CStr| -> JsResult<usize> {
        let path = format!("{name}.{}", key.to_str().unwrap_or("?"));
        cx.index(cx.get(obj, key)?, i32::MAX as usize, path)
    };
    Ok(CscRef {
        nrows: dim(c"nRows")?,
        ncols: dim(c"nCols")?,
        colptr: cx.slice::<i32>(cx.get(obj, c"colPtr")?, format!("{name}.colPtr"))?,
        rowidx: cx.slice::<i32>(cx.get(obj, c"rowIdx")?, format!("{name}.rowIdx"))?,
        values: cx.slice::<f64>(cx.get(obj, c"values")?, format!("{name}.values"))?,
    })
}

fn read_settings(cx: &Ctx, obj: Value) -> JsResult<Settings> {
    cx.expect_object(obj, "settings")?;
    let num = |k: &CStr| -> JsResult<f64> { cx.number(cx.get(obj, k)?, format!("settings.{}", k.to_str().unwrap_or("?"))) };
    let int = |k: &CStr| -> JsResult<u32> {
        Ok(cx.index(cx.get(obj, k)?, u32::MAX as usize, format!("settings.{}", k.to_str().unwrap_or("?")))? as u32)
    };
    let flag = |k: &CStr| -> JsResult<bool> { cx.boolean(cx.get(obj, k)?, format!("settings.{}", k.to_str().unwrap_or("?"))) };
    // Optional for callers built before the interior point existed; absent means ADMM.
    let method = match cx.get_opt(obj, c"method")? {
        Some(v) => {
            let name = cx.string(v, "settings.method")?;
            Method::parse(&name).ok_or_else(|| JsError::input("settings.method", format!("must be 'admm' or 'ipm' (got '{name}')")))?
        }
        None => Method::Admm,
    };
    Ok(Settings {
        method,
        rho: num(c"rho")?,
        sigma: num(c"sigma")?,
        alpha: num(c"alpha")?,
        eps_abs: num(c"epsAbs")?,
        eps_rel: num(c"epsRel")?,
        eps_prim_inf: num(c"epsPrimInf")?,
        eps_dual_inf: num(c"epsDualInf")?,
        max_iter: int(c"maxIter")?,
        time_limit_sec: num(c"timeLimitSec")?,
        scaling_iterations: int(c"scalingIterations")?,
        adaptive_rho: flag(c"adaptiveRho")?,
        adaptive_rho_interval: int(c"adaptiveRhoInterval")?,
        adaptive_rho_tolerance: num(c"adaptiveRhoTolerance")?,
        check_termination: int(c"checkTermination")?,
        polish: flag(c"polish")?,
        polish_delta: num(c"polishDelta")?,
        polish_refine_iter: int(c"polishRefineIter")?,
        warm_start: flag(c"warmStart")?,
        warm_fallback: flag(c"warmFallback")?,
        ipm_counted_order: flag(c"ipmCountedOrder")?,
        scaled_termination: flag(c"scaledTermination")?,
    })
}

/// qpSetup(problem: QpProblem, settings: QpSettings) → handle
fn setup(cx: &Ctx) -> JsResult<Value> {
    let prob = cx.expect_object(cx.arg(0)?, "problem")?;
    let n = cx.index(cx.get(prob, c"n")?, i32::MAX as usize, "n")?;
    let m = cx.index(cx.get(prob, c"m")?, i32::MAX as usize, "m")?;
    let r = match cx.get_opt(prob, c"r")? {
        Some(v) => cx.number(v, "r")?,
        None => 0.0,
    };
    let data = ProblemRef {
        n,
        m,
        p: csc(cx, cx.get(prob, c"P")?, "P")?,
        q: cx.slice::<f64>(cx.get(prob, c"q")?, "q")?,
        r,
        a: csc(cx, cx.get(prob, c"A")?, "A")?,
        l: cx.slice::<f64>(cx.get(prob, c"l")?, "l")?,
        u: cx.slice::<f64>(cx.get(prob, c"u")?, "u")?,
    };
    let settings = read_settings(cx, cx.arg(1)?)?;
    let problem = Problem::from_ref(&data).map_err(qp_error)?;
    let ws = Solver::new(problem, settings).map_err(qp_error)?;
    let p = ws.problem();
    let bytes = 16 * (ws.factor_nnz() + 3 * (p.p.nnz() + p.a.nnz())) + 8 * 24 * (n + m);
    cx.external(Slot { ws: Some(ws), busy: false }, &TAG, bytes)
}

/// qpSolve(handle) → QpResult
fn solve(cx: &Ctx) -> JsResult<Value> {
    with_ws(cx, cx.arg(0)?, |ws| {
        let method = ws.method();
        let factor_nnz = ws.factor_nnz();
        let (info, sol) = ws.solve();
        let out = cx.object()?;
        cx.set_str(out, c"status", info.status.as_str())?;
        cx.set(out, c"x", cx.f64_array(&sol.x)?)?;
        cx.set(out, c"y", cx.f64_array(&sol.y)?)?;
        cx.set_f64(out, c"objective", info.objective)?;
        if let Some(c) = &sol.primal_infeasibility_certificate {
            cx.set(out, c"primalInfeasibilityCertificate", cx.f64_array(c)?)?;
        }
        if let Some(c) = &sol.dual_infeasibility_certificate {
            cx.set(out, c"dualInfeasibilityCertificate", cx.f64_array(c)?)?;
        }
        let i = cx.object()?;
        cx.set_str(i, c"status", info.status.as_str())?;
        cx.set_f64(i, c"iterations", info.iterations as f64)?;
        cx.set_f64(i, c"objective", info.objective)?;
        cx.set_f64(i, c"primalResidual", info.primal_residual)?;
        cx.set_f64(i, c"dualResidual", info.dual_residual)?;
        cx.set_f64(i, c"rho", info.rho)?;
        cx.set_f64(i, c"rhoUpdates", info.rho_updates as f64)?;
        cx.set_str(i, c"polish", info.polish.as_str())?;
        cx.set_f64(i, c"setupTimeMs", info.setup_time_ms)?;
        cx.set_f64(i, c"solveTimeMs", info.solve_time_ms)?;
        cx.set_f64(i, c"polishTimeMs", info.polish_time_ms)?;
        cx.set_str(i, c"backend", "native")?;
        cx.set_str(i, c"method", method.as_str())?;
        if method == Method::Ipm {
            cx.set_f64(i, c"factorNnz", factor_nnz as f64)?;
        }
        cx.set(out, c"info", i)?;
        Ok(out)
    })
}

fn update_q(cx: &Ctx) -> JsResult<Value> {
    let q = cx.slice::<f64>(cx.arg(1)?, "q")?;
    with_ws(cx, cx.arg(0)?, |ws| ws.update_q(q).map_err(qp_error))?;
    cx.undefined()
}

fn update_bounds(cx: &Ctx) -> JsResult<Value> {
    let l = cx.slice::<f64>(cx.arg(1)?, "l")?;
    let u = cx.slice::<f64>(cx.arg(2)?, "u")?;
    with_ws(cx, cx.arg(0)?, |ws| ws.update_bounds(l, u).map_err(qp_error))?;
    cx.undefined()
}

fn update_p_values(cx: &Ctx) -> JsResult<Value> {
    let v = cx.slice::<f64>(cx.arg(1)?, "P.values")?;
    with_ws(cx, cx.arg(0)?, |ws| ws.update_p_values(v).map_err(qp_error))?;
    cx.undefined()
}

fn update_a_values(cx: &Ctx) -> JsResult<Value> {
    let v = cx.slice::<f64>(cx.arg(1)?, "A.values")?;
    with_ws(cx, cx.arg(0)?, |ws| ws.update_a_values(v).map_err(qp_error))?;
    cx.undefined()
}

/// qpUpdateSettings(handle, partial): only the fields present change.
fn update_settings(cx: &Ctx) -> JsResult<Value> {
    let obj = cx.expect_object(cx.arg(1)?, "settings")?;
    let opt = |k: &CStr| cx.get_opt(obj, k);
    let path = |k: &CStr| format!("settings.{}", k.to_str().unwrap_or("?"));
    let int = |k: &CStr| -> JsResult<Option<u32>> {
        opt(k)?.map(|v| cx.index(v, u32::MAX as usize, path(k)).map(|x| x as u32)).transpose()
    };
    let num = |k: &CStr| -> JsResult<Option<f64>> { opt(k)?.map(|v| cx.number(v, path(k))).transpose() };
    let flag = |k: &CStr| -> JsResult<Option<bool>> { opt(k)?.map(|v| cx.boolean(v, path(k))).transpose() };
    let upd = SettingsUpdate {
        max_iter: int(c"maxIter")?,
        eps_abs: num(c"epsAbs")?,
        eps_rel: num(c"epsRel")?,
        time_limit_sec: num(c"timeLimitSec")?,
        polish: flag(c"polish")?,
        warm_start: flag(c"warmStart")?,
        check_termination: int(c"checkTermination")?,
    };
    with_ws(cx, cx.arg(0)?, |ws| ws.update_settings(&upd).map_err(qp_error))?;
    cx.undefined()
}

/// qpWarmStart(handle, x?, y?): sets the next solve's starting point.
fn warm_start(cx: &Ctx) -> JsResult<Value> {
    let x = match cx.is_nullish(cx.arg(1)?)? {
        true => None,
        false => Some(cx.slice::<f64>(cx.arg(1)?, "x")?),
    };
    let y = match cx.is_nullish(cx.arg(2)?)? {
        true => None,
        false => Some(cx.slice::<f64>(cx.arg(2)?, "y")?),
    };
    with_ws(cx, cx.arg(0)?, |ws| ws.warm_start(x, y).map_err(qp_error))?;
    cx.undefined()
}

/// qpDispose(handle): frees the workspace now (the handle itself is collected later).
fn dispose(cx: &Ctx) -> JsResult<Value> {
    let slot: &mut Slot = cx.external_mut(cx.arg(0)?, &TAG, "workspace")?;
    slot.ws = None;
    slot.busy = false;
    cx.undefined()
}
