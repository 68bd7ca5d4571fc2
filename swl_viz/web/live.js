/* swl-viz: the Softmax-with-Loss layer, exact, in the page; and the page's live controls.
 *
 * window.swlViz.loss(x, t, {temperature, labelSmoothing, variant, loss, gamma}) -> {L, y, grad}
 *   x: K logits, t: K label probabilities (summing to 1); y = softmax(x / T), t' = (1 - eps) t + eps / K.
 *   loss "ce" (default): L = -sum t'_k log y_k, grad = (y - t') / T, computed as swl_viz.maths
 *     does: split at the largest logit m, -log y_k = (m - x_k) / T + log1p(S), S the sum of the
 *     others' exp((x_k - m) / T); 1 - y_c = S / (1 + S), so nothing cancels. No 1e-7 unless
 *     variant "book" (L = -sum t'_k log(y_k + 1e-7), the gradient stays (y - t') / T).
 *   loss "mse": L = 1/2 sum (y_k - t'_k)^2; "focal": L = -sum t'_k (1 - y_k)^gamma log y_k (gamma
 *     default 2). Their gradients go through the softmax's Jacobian:
 *     g_j = (y_j / T)(d_j - sum_k y_k d_k) with d = dL/dy, written with p_k = y_k d_k as
 *     g_j = ((1 - y_j) p_j - y_j sum_{k != j} p_k) / T, so no 1 - y_j is formed by cancellation.
 * Bad input throws a RangeError naming the parameter. No dependencies; plotly only for drawing.
 */
(function () {
  "use strict";

  var BOOK_DELTA = 1e-7;
  var T_MIN = 1e-3, T_MAX = 1e3;

  function fail(param, message) {
    throw new RangeError(param + ": " + message);
  }

  function checked(x, t, opts) {
    opts = opts || {};
    if (!x || typeof x.length !== "number" || x.length < 2) fail("x", "needs at least 2 logits");
    var K = x.length;
    if (!t || t.length !== K) fail("t", "needs " + K + " entries, one per logit");
    var sum = 0;
    for (var k = 0; k < K; k++) {
      if (typeof x[k] !== "number" || !isFinite(x[k])) fail("x", "logits must be finite numbers");
      if (typeof t[k] !== "number" || !isFinite(t[k]) || t[k] < 0) fail("t", "must be finite and >= 0");
      sum += t[k];
    }
    if (Math.abs(sum - 1) > 1e-9) fail("t", "must sum to 1, got " + sum);
    var T = opts.temperature === undefined ? 1 : opts.temperature;
    if (typeof T !== "number" || !(T >= T_MIN && T <= T_MAX)) fail("temperature", "must lie in [0.001, 1000]");
    var eps = opts.labelSmoothing === undefined ? 0 : opts.labelSmoothing;
    if (typeof eps !== "number" || !(eps >= 0 && eps <= 1)) fail("labelSmoothing", "must lie in [0, 1]");
    var variant = opts.variant === undefined ? "exact" : opts.variant;
    if (variant !== "exact" && variant !== "book") fail("variant", "must be 'exact' or 'book'");
    var kind = opts.loss === undefined ? "ce" : opts.loss;
    if (kind !== "ce" && kind !== "mse" && kind !== "focal") fail("loss", "must be 'ce', 'mse' or 'focal'");
    if (variant === "book" && kind !== "ce") fail("variant", "'book' is the cross-entropy's 1e-7; it has no " + kind);
    var gamma = opts.gamma === undefined ? 2 : opts.gamma;
    if (typeof gamma !== "number" || !(gamma >= 0 && isFinite(gamma))) fail("gamma", "must be a finite number >= 0");
    return { K: K, T: T, eps: eps, variant: variant, kind: kind, gamma: gamma };
  }

  /* The split at the largest logit (the first, on a tie), scaled by 1/T after the shift. */
  function split(x, T) {
    var K = x.length, c = 0, k;
    for (k = 1; k < K; k++) if (x[k] > x[c]) c = k;
    var m = x[c], z = new Array(K), e = new Array(K), S = 0;
    for (k = 0; k < K; k++) {
      z[k] = (x[k] - m) / T;
      e[k] = k === c ? 0 : Math.exp(z[k]);
      S += e[k];
    }
    var onePlusS = 1 + S, log1pS = Math.log1p(S), y = new Array(K), nly = new Array(K);
    for (k = 0; k < K; k++) {
      y[k] = k === c ? 1 / onePlusS : e[k] / onePlusS;
      nly[k] = log1pS - z[k]; // -log y_k
    }
    return { c: c, y: y, nly: nly, comp: S / onePlusS };
  }

  /* t' and 1 - t', the latter assembled from eps and 1 - t (no rounded t' near 1). */
  function target(t, eps) {
    var K = t.length, probs = new Array(K), comp = new Array(K);
    for (var k = 0; k < K; k++) {
      probs[k] = t[k];
      comp[k] = 1 - t[k];
      if (eps) {
        probs[k] = (1 - eps) * t[k] + eps / K;
        comp[k] = (1 - eps) * comp[k] + eps * ((K - 1) / K);
      }
    }
    return { probs: probs, comp: comp };
  }

  /* y_k - t'_k, at the top class from the two complements when t'_c >= 1/2. */
  function differences(sp, tg) {
    var K = sp.y.length, d = new Array(K);
    for (var k = 0; k < K; k++) d[k] = sp.y[k] - tg.probs[k];
    var c = sp.c;
    if (tg.probs[c] >= 0.5) d[c] = tg.comp[c] - sp.comp;
    return d;
  }

  function loss(x, t, opts) {
    var o = checked(x, t, opts);
    var K = o.K, T = o.T, k;
    var sp = split(x, T), tg = target(t, o.eps), y = sp.y;
    var d = differences(sp, tg), grad = new Array(K), L = 0;
    if (o.kind === "ce") {
      for (k = 0; k < K; k++) {
        if (tg.probs[k] === 0) continue;
        L += o.variant === "book" ? -tg.probs[k] * Math.log(y[k] + BOOK_DELTA) : tg.probs[k] * sp.nly[k];
      }
      for (k = 0; k < K; k++) grad[k] = d[k] / T;
      return { L: L, y: y, grad: grad };
    }
    var oneMinusY = new Array(K), p = new Array(K);
    for (k = 0; k < K; k++) oneMinusY[k] = k === sp.c ? sp.comp : 1 - y[k];
    if (o.kind === "mse") {
      for (k = 0; k < K; k++) {
        L += 0.5 * d[k] * d[k];
        p[k] = y[k] * d[k];
      }
    } else {
      var g = o.gamma;
      for (k = 0; k < K; k++) {
        if (tg.probs[k] === 0) { p[k] = 0; continue; }
        var w = g === 0 ? 1 : Math.pow(oneMinusY[k], g);
        L += tg.probs[k] * w * sp.nly[k];
        // p_k = y_k dL/dy_k = -t'_k (1 - y_k)^g [1 + g y_k (-log y_k) / (1 - y_k)]; the ratio
        // (-log y) / (1 - y) tends to 1 as y -> 1
        var ratio = oneMinusY[k] > 0 ? sp.nly[k] / oneMinusY[k] : 1;
        p[k] = -tg.probs[k] * w * (1 + g * y[k] * ratio);
      }
    }
    // the sum over the others: for the top class directly (there 1 - y_c can be tiny, and a
    // rounding of p_c would swamp it); for the rest from it, each y_k <= 1/2
    var c = sp.c, restC = 0;
    for (k = 0; k < K; k++) if (k !== c) restC += p[k];
    for (k = 0; k < K; k++) {
      var rest = k === c ? restC : restC - p[k] + p[c];
      grad[k] = (oneMinusY[k] * p[k] - y[k] * rest) / T;
    }
    return { L: L, y: y, grad: grad };
  }

  // ---- the page ------------------------------------------------------------------------------
  // The page draws the scene Python built until the state (label, T, eps, variant, probe) moves
  // away from it; then it computes and draws from the maths above, and returns to Python's
  // figure when the state comes back.

  var page = null;
  var api = { loss: loss, version: 1, redrawMs: null, redraws: 0 };

  function number6(v) {
    // hover's 6 significant digits (Python's ".6g", exponent without padding)
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a < 1e-4 || a >= 1e6) {
      var e = v.toExponential(5).split("e");
      return String(Number(e[0])) + "e" + String(Number(e[1]));
    }
    return String(Number(v.toPrecision(6)));
  }

  function number4(v) {
    if (v === 0) return "0";
    var a = Math.abs(v);
    var text = a < 1e-3 || a >= 1e5 ? v.toExponential(3).replace(/\.?0+e/, "e") : String(Number(v.toPrecision(4)));
    return text.replace("-", "\u2212");
  }

  function vec4(values) {
    return "(" + values.map(number4).join(", ") + ")";
  }

  function short(v) {
    // a control's value: t0, eps to 2 decimals, T to 2 significant figures, as the window's
    return String(Number(v.toPrecision(6)));
  }

  function sameList(a, b) {
    if (a === null || b === null) return a === b;
    if (a.length !== b.length) return false;
    for (var k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
    return true;
  }

  function initialState(cfg) {
    return {
      t: cfg.t.slice(),
      temperature: cfg.temperature,
      labelSmoothing: cfg.labelSmoothing,
      variant: cfg.variant,
      loss: cfg.loss || "ce",
      gamma: cfg.gamma === undefined ? 2 : cfg.gamma,
      probe: cfg.probe ? cfg.probe.slice() : null,
      descent: cfg.descent ? cfg.descent.slice() : null
    };
  }

  function copyState(s) {
    return {
      t: s.t.slice(), temperature: s.temperature, labelSmoothing: s.labelSmoothing,
      variant: s.variant, loss: s.loss, gamma: s.gamma, probe: s.probe ? s.probe.slice() : null,
      descent: s.descent ? s.descent.slice() : null
    };
  }

  function isInitial(s) {
    var i = initialState(page.cfg);
    return sameList(s.t, i.t) && s.temperature === i.temperature &&
      s.labelSmoothing === i.labelSmoothing && s.variant === i.variant &&
      s.loss === i.loss && s.gamma === i.gamma &&
      sameList(s.probe, i.probe) && sameList(s.descent, i.descent);
  }

  function opts(s) {
    return { temperature: s.temperature, labelSmoothing: s.labelSmoothing, variant: s.variant,
             loss: s.loss, gamma: s.gamma };
  }

  function logits(cfg, u, v) {
    var a = cfg.logits.slice();
    a[cfg.axes[0]] = u;
    a[cfg.axes[1]] = v;
    return a;
  }

  function height(cfg, L) {
    return cfg.zscale === "log" ? Math.log10(Math.max(L, 5e-324)) : L;
  }

  /* L, the gradient along the two varied logits and y at every point of a panel's grid. */
  function gridValues(cfg, s, x, y) {
    var o = opts(s), i = cfg.axes[0], j = cfg.axes[1], rows = y.length, cols = x.length;
    var L = [], g0 = [], g1 = [], texts = [];
    var pick = cfg.k > cfg.maxBoxClasses ? [i, j] : null;
    for (var r = 0; r < rows; r++) {
      var Lr = new Array(cols), g0r = new Array(cols), g1r = new Array(cols), tr = new Array(cols);
      for (var c = 0; c < cols; c++) {
        var res = loss(logits(cfg, x[c], y[r]), s.t, o);
        Lr[c] = res.L; g0r[c] = res.grad[i]; g1r[c] = res.grad[j];
        var ys = pick ? [res.y[i], res.y[j]] : res.y;
        tr[c] = ys.map(number6).join(", ");
      }
      L.push(Lr); g0.push(g0r); g1.push(g1r); texts.push(tr);
    }
    return { L: L, g0: g0, g1: g1, text: texts };
  }

  function transpose(m) {
    var out = [];
    for (var c = 0; c < m[0].length; c++) {
      var col = new Array(m.length);
      for (var r = 0; r < m.length; r++) col[r] = m[r][c];
      out.push(col);
    }
    return out;
  }

  /* Round levels as swl_viz.scene.contour_levels makes them: a nice step, about `bins` bands. */
  var NICE = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  function levels(zmin, zmax, zscale, bins) {
    var base = zscale === "linear" && zmin > -1e-6 ? 0 : zmin;
    var span = zmax - base;
    if (!(span > 0)) return [zmin, zmax];
    var scale = Math.pow(10, Math.floor(Math.log10(span / bins)));
    var step = 0;
    for (var n = 0; n < NICE.length * 2 && !step; n++) {
      var candidate = (n < NICE.length ? NICE[n] : 10 * NICE[n - NICE.length]) * scale;
      if (candidate >= span / bins) step = candidate;
    }
    var first = Math.floor(base / step) * step, out = [];
    for (var v = first; v < zmax - 0.5 * step; v += step) out.push(v);
    if (!out.length) out.push(base);
    out[0] = Math.min(out[0], zmin);
    out.push(zmax);
    return out;
  }

  function contours(lv) {
    var inner = lv.slice(1, -1);
    if (inner.length >= 2) return { start: inner[0], end: inner[inner.length - 1], size: inner[1] - inner[0] };
    if (inner.length === 1) return { start: inner[0], end: inner[0], size: lv[lv.length - 1] - lv[0] };
    return { start: lv[0], end: lv[lv.length - 1], size: lv[lv.length - 1] - lv[0] };
  }

  function gapped(tails, tips) {
    var out = [];
    for (var n = 0; n < tails.length; n++) out.push(tails[n], tips[n], null);
    return out;
  }

  /* The slope of the book's loss -sum t' log(y + 1e-7) along the two varied logits (as
     swl_viz.probe.slope_of_drawn_loss): flat on the plateau, where backward still sends y - t'. */
  function bookSlope(cfg, s, y) {
    var K = cfg.k, T = s.temperature, eps = s.labelSmoothing, i = cfg.axes[0], j = cfg.axes[1];
    var wy = y.map(function (v, m) { return -(eps ? (1 - eps) * s.t[m] + eps / K : s.t[m]) * v / (v + BOOK_DELTA); });
    var sum = wy.reduce(function (a, b) { return a + b; }, 0);
    return [(wy[i] - y[i] * sum) / T, (wy[j] - y[j] * sum) / T];
  }

  /* As swl_viz.marks.drawn_rise: how far the surface drawn rises per step along grad L =
     (g0, g1) at (x0, x1), |grad L| = norm and loss L there, on the loss axis's scale:
     |grad L|^2 for the exact loss, grad L . the book's slope (flat on its plateau); over
     L ln 10 on a log10 axis. */
  function drawnRise(cfg, s, o, x0, x1, g0, g1, norm, L) {
    var rise = norm * norm;
    if (s.variant === "book") {
      var da = bookSlope(cfg, s, loss(logits(cfg, x0, x1), s.t, o).y);
      rise = g0 * da[0] + g1 * da[1];
    }
    return cfg.zscale === "log" ? (L > 0 ? rise / (L * Math.LN10) : 0) : rise;
  }

  /* As swl_viz.marks.fit_in_box: the factor (<= 1) that shortens a 3-D arrow (a, b, w) from a
     tail at height z along itself, so that in the box (each axis over its span: logits
     `width`, loss zr) it is at most boxStretch times its reach long and its tip ends within
     boxMargin of the loss axis's span of that axis. */
  function fitInBox(look, z, a, b, w, reach, width, zr) {
    var sx = width || 1, sz = (zr[1] - zr[0]) || 1;
    var length = Math.sqrt((a / sx) * (a / sx) + (b / sx) * (b / sx) + (w / sz) * (w / sz));
    var bound = look.boxStretch * reach / sx, fit = length > bound ? bound / length : 1;
    var margin = look.boxMargin * sz;
    var room = w < 0 ? z - (zr[0] - margin) : (zr[1] + margin) - z, drop = Math.abs(w);
    if (drop > room && room > 0) fit = Math.min(fit, room / drop);
    return Math.min(fit, 1);
  }

  /* The arrow field of -grad L at the panel's arrow points, as swl_viz.scene draws it; on a
     3-D panel each arrow fits the box whose loss axis is zr. */
  function field(cfg, s, panel, zr) {
    var o = opts(s), i = cfg.axes[0], j = cfg.axes[1], look = cfg.look;
    var xs = panel.fieldX, ys = panel.fieldY, n = xs.length;
    var u = new Array(n), v = new Array(n), norm = new Array(n), Ls = new Array(n), top = 0;
    for (var k = 0; k < n; k++) {
      var res = loss(logits(cfg, xs[k], ys[k]), s.t, o);
      u[k] = -res.grad[i]; v[k] = -res.grad[j]; Ls[k] = res.L;
      norm[k] = Math.hypot(u[k], v[k]);
      top = Math.max(top, norm[k]);
    }
    var keep = [];
    for (k = 0; k < n; k++) if (norm[k] > 0) keep.push(k);
    if (!panel.threeD) {
      /* as swl_viz.scene.contour_field: under floorShare of the longest, an arrow is drawn that
         long (its direction still reads); under dropShare, not at all */
      var floor = cfg.normalize ? 0 : look.floorShare * top;
      if (!cfg.normalize) keep = keep.filter(function (m) { return norm[m] >= look.dropShare * top; });
      var lift = function (m) { return norm[m] < floor ? floor / norm[m] : 1; };
      var longest = 0, tails = [], tipsX = [], tipsY = [], len = [];
      keep.forEach(function (m) {
        var a = u[m] * lift(m), b = v[m] * lift(m);
        if (cfg.normalize) { a /= norm[m]; b /= norm[m]; }
        len.push(Math.hypot(a, b));
        longest = Math.max(longest, Math.hypot(a, b));
      });
      var scale = longest > 0 ? longest / panel.reach : 1, X = [], Y = [], sizes = [];
      keep.forEach(function (m, q) {
        var a = u[m] * lift(m), b = v[m] * lift(m);
        if (cfg.normalize) { a /= norm[m]; b /= norm[m]; }
        var head = Math.min(look.headSize, Math.max(look.minHeadSize, look.headSize * len[q] / Math.max(longest, 1e-300)));
        X.push(xs[m], xs[m] + a / scale, null);
        Y.push(ys[m], ys[m] + b / scale, null);
        sizes.push(0, head, 0);
      });
      return { x: X, y: Y, marker: { size: sizes } };
    }
    var sx = [], sy = [], sz = [], hx = [], hy = [], hz = [], hu = [], hv = [], hw = [];
    var b0 = span(panel), width = Math.abs(b0[1] - b0[0]);
    keep.forEach(function (m) {
      var z = height(cfg, Ls[m]);
      var rise = drawnRise(cfg, s, o, xs[m], ys[m], -u[m], -v[m], norm[m], Ls[m]);
      var sc = cfg.normalize ? panel.reach / norm[m] : panel.reach / top;
      sc *= fitInBox(look, z, u[m] * sc, v[m] * sc, -rise * sc, panel.reach, width, zr);
      var a = u[m] * sc, b = v[m] * sc, w = -rise * sc;
      sx.push(xs[m], xs[m] + a, null); sy.push(ys[m], ys[m] + b, null); sz.push(z, z + w, null);
      hx.push(xs[m] + a); hy.push(ys[m] + b); hz.push(z + w);
      hu.push(look.headShare * a); hv.push(look.headShare * b); hw.push(look.headShare * w);
    });
    return { shafts: { x: sx, y: sy, z: sz }, heads: { x: hx, y: hy, z: hz, u: hu, v: hv, w: hw } };
  }

  function span(panel) {
    return [panel.x[0], panel.x[panel.x.length - 1], panel.y[0], panel.y[panel.y.length - 1]];
  }

  /* The line x_j = x_i - offset inside the panel's square, or null. */
  function segment(panel, offset) {
    var b = span(panel);
    var lo = Math.max(b[0], b[2] + offset), hi = Math.min(b[1], b[3] + offset);
    return lo < hi ? [lo, hi] : null;
  }

  function minimumOffset(cfg, s) {
    var K = cfg.k, i = cfg.axes[0], j = cfg.axes[1], eps = s.labelSmoothing;
    var ti = (1 - eps) * s.t[i] + eps / K, tj = (1 - eps) * s.t[j] + eps / K;
    if (!(ti > 0 && tj > 0)) return null;
    if (s.loss !== "ce") {  // squared error of two classes is 0 along y = t'; else no line
      return s.loss === "mse" && K === 2 ? s.temperature * (Math.log(ti) - Math.log(tj)) : null;
    }
    if (K === 2 && s.variant === "book") {
      var yi = ti + 1e-7 * (ti - tj);
      return s.temperature * (Math.log(yi) - Math.log1p(-yi));
    }
    return s.temperature * (Math.log(ti) - Math.log(tj));
  }

  function descentPath(cfg, s) {
    var o = opts(s), i = cfg.axes[0], j = cfg.axes[1];
    var x0 = [s.descent[0]], x1 = [s.descent[1]], L = [];
    for (var k = 0; k <= cfg.steps; k++) {
      var res = loss(logits(cfg, x0[k], x1[k]), s.t, o);
      L.push(res.L);
      if (k < cfg.steps) {
        x0.push(x0[k] - cfg.lr * res.grad[i]);
        x1.push(x1[k] - cfg.lr * res.grad[j]);
      }
    }
    return { x0: x0, x1: x1, L: L };
  }

  function probeAt(cfg, s) {
    var a = logits(cfg, s.probe[0], s.probe[1]);
    var res = loss(a, s.t, opts(s));
    var K = cfg.k, eps = s.labelSmoothing, target = s.t.map(function (v) { return eps ? (1 - eps) * v + eps / K : v; });
    return { a: a, y: res.y, grad: res.grad, L: res.L, target: target };
  }

  var LIVE_ROLES = ["decision", "minimum", "path-outline", "path", "path-steps", "path-start",
                    "path-end", "probe-arrow", "probe-arrow-head", "probe-point"];

  function liveTraces(cfg) {
    var look = cfg.look, out = [];
    cfg.panels.forEach(function (panel) {
      var three = panel.threeD, type = three ? "scatter3d" : "scatter";
      var place = three ? { scene: "scene" } : { xaxis: "x", yaxis: "y" };
      LIVE_ROLES.forEach(function (role) {
        if (role === "probe-arrow-head" && !three) return;
        var t = { type: type, x: [], y: [], visible: false, hoverinfo: "skip", showlegend: false,
                  name: "live-" + role, meta: "live-" + role };
        if (three) t.z = [];
        for (var key in place) t[key] = place[key];
        var width = three ? 5 : 2.5;
        if (role === "decision") { t.mode = "lines"; t.line = { color: look.decision, width: width, dash: three ? "solid" : "dash" }; }
        if (role === "minimum") { t.mode = "lines"; t.line = { color: look.minimum, width: width }; }
        if (role === "path-outline") { t.mode = "lines"; t.line = { color: look.halo, width: width + 3 }; }
        if (role === "path") { t.mode = "lines"; t.line = { color: look.path, width: width }; }
        if (role === "path-steps") { t.mode = "markers"; t.marker = { size: three ? 3 : 6, color: look.path, line: { color: look.halo, width: 1 } }; }
        if (role === "path-start") { t.mode = "markers"; t.marker = { symbol: "circle", size: three ? 8 : 11, color: look.path, line: { color: look.halo, width: 1.5 } }; }
        if (role === "path-end") { t.mode = "markers"; t.marker = { symbol: "x", size: three ? 9 : 13, color: look.path, line: { color: look.halo, width: 1.5 } }; }
        if (role === "probe-point") { t.mode = "markers"; t.marker = { symbol: "circle", size: three ? 8 : 12, color: look.probe, line: { color: look.halo, width: 1.5 } }; }
        if (role === "probe-arrow") {
          if (three) { t.mode = "lines"; t.line = { color: look.probe, width: 6 }; }
          else { t.mode = "lines+markers"; t.line = { color: look.probe, width: 3 };
                 t.marker = { symbol: "arrow", angleref: "previous", color: look.probe, size: [], line: { color: look.halo, width: 1 } }; }
        }
        if (role === "probe-arrow-head") {
          t = { type: "cone", x: [], y: [], z: [], u: [], v: [], w: [], visible: false, scene: "scene",
                sizemode: "raw", sizeref: 1, anchor: "tip", showscale: false, hoverinfo: "skip",
                colorscale: [[0, look.probe], [1, look.probe]], name: "live-" + role, meta: "live-" + role };
        }
        out.push(t);
      });
    });
    return out;
  }

  /* Lines and points of the live marks for one panel; z (3-D) raised by `lift`, the probe's
     arrow fitted to the box whose loss axis is zr. */
  function liveMarks(cfg, s, panel, lift, zr) {
    var look = cfg.look, three = panel.threeD, out = {}, o = opts(s), b = span(panel);
    function along(x0s, x1s) {
      var m = { x: x0s, y: x1s };
      if (three) m.z = x0s.map(function (u, n) { return height(cfg, loss(logits(cfg, u, x1s[n]), s.t, o).L) + lift; });
      return m;
    }
    function line(offset) {
      var seg = segment(panel, offset);
      if (!seg) return null;
      var n = three ? look.lineSamples : 2, xs = [], ys = [];
      for (var k = 0; k < n; k++) {
        var u = seg[0] + (seg[1] - seg[0]) * k / (n - 1);
        xs.push(u); ys.push(u - offset);
      }
      return along(xs, ys);
    }
    if (cfg.annotate) {
      out.decision = line(0);
      var off = minimumOffset(cfg, s);
      if (off !== null) out.minimum = line(off);
    }
    if (s.descent) {
      var path = descentPath(cfg, s), m = { x: path.x0, y: path.x1 };
      if (three) m.z = path.L.map(function (L) { return height(cfg, L) + lift; });
      out["path-outline"] = m; out.path = m; out["path-steps"] = m;
      var last = path.x0.length - 1;
      out["path-start"] = { x: [path.x0[0]], y: [path.x1[0]] };
      out["path-end"] = { x: [path.x0[last]], y: [path.x1[last]] };
      if (three) { out["path-start"].z = [m.z[0]]; out["path-end"].z = [m.z[last]]; }
    }
    if (s.probe) {
      var p = probeAt(cfg, s), i = cfg.axes[0], j = cfg.axes[1];
      var g0 = p.grad[i], g1 = p.grad[j], norm = Math.hypot(g0, g1);
      var reach = look.arrowFraction * Math.abs(b[1] - b[0]);
      var x0 = s.probe[0], x1 = s.probe[1];
      if (three) {
        var z = height(cfg, p.L);
        out["probe-point"] = { x: [x0], y: [x1], z: [z] };
        if (norm > 0) {
          var rise = drawnRise(cfg, s, o, x0, x1, g0, g1, norm, p.L);
          var sc = reach / norm;
          sc *= fitInBox(look, z, -g0 * sc, -g1 * sc, -rise * sc, reach, Math.abs(b[1] - b[0]), zr);
          var a = -g0 * sc, bb = -g1 * sc, w = -rise * sc;
          out["probe-arrow"] = { x: [x0, x0 + a], y: [x1, x1 + bb], z: [z, z + w] };
          out["probe-arrow-head"] = { x: [x0 + a], y: [x1 + bb], z: [z + w],
            u: [look.headShare * a], v: [look.headShare * bb], w: [look.headShare * w] };
        }
      } else {
        out["probe-point"] = { x: [x0], y: [x1] };
        if (norm > 0) {
          out["probe-arrow"] = { x: [x0, x0 - g0 / norm * reach], y: [x1, x1 - g1 / norm * reach],
                                 marker: { size: [0, look.markHeadSize] } };
        }
      }
    }
    return out;
  }

  function subtitle(cfg, s) {
    var parts = [cfg.words.label + " = (" + s.t.map(function (v) { return short(v); }).join(", ") + ")"];
    if (s.labelSmoothing) parts.push("\u03b5 = " + short(s.labelSmoothing));
    if (s.temperature !== 1) parts.push("T = " + short(s.temperature));
    if (cfg.fixedLogits) parts.push(cfg.fixedLogits);
    return parts.join(",\u00a0 ");
  }

  /* Type and margins for the window: the figure is laid out for a 13 px base; at 1920 px wide
     the base is 28 px (tick labels 28 px, the title 48 px), and it follows the window. */
  var BASE = 13, SCENE_TEXT = 0.6, LABEL_GROWTH = 1.5;
  function fontBase() {
    return Math.max(11, Math.min(48, window.innerWidth / 68));
  }

  function scaleFonts(fig) {
    var base = fontBase(), f = base / BASE, layout = fig.layout;
    function font(obj, size) {
      obj.font = Object.assign({}, obj.font || {}, { size: size });
    }
    layout.font = Object.assign({}, layout.font || {}, { size: base });
    if (layout.title) layout.title.font = Object.assign({}, layout.title.font || {}, { size: (layout.title.font && layout.title.font.size || 22) * f });
    if (layout.margin) ["l", "r", "t", "b"].forEach(function (k) { if (layout.margin[k] !== undefined) layout.margin[k] *= f; });
    if (layout.legend) font(layout.legend, 0.85 * base);
    if (layout.legend2) font(layout.legend2, 0.85 * base);
    layout.hoverlabel = Object.assign({}, layout.hoverlabel || {}, { font: { size: Math.max(12, 0.8 * base) } });
    // labels sit where Python placed them for the PNG: they grow less than the axes' type
    var g = Math.min(f, LABEL_GROWTH);
    (layout.annotations || []).forEach(function (a) {
      font(a, (a.font && a.font.size || BASE) * (a.name === "subtitle" ? f : g));
    });
    ["xaxis", "yaxis", "xaxis2", "yaxis2"].forEach(function (k) {
      var ax = layout[k];
      if (!ax) return;
      ax.tickfont = Object.assign({}, ax.tickfont || {}, { size: base });
      if (ax.title) font(ax.title, base);
    });
    if (layout.scene) {
      ["xaxis", "yaxis", "zaxis"].forEach(function (k) {
        var ax = layout.scene[k];
        if (!ax) return;
        // WebGL text in the scene is drawn larger than SVG text of the same size
        ax.tickfont = Object.assign({}, ax.tickfont || {}, { size: SCENE_TEXT * base });
        if (ax.title) font(ax.title, SCENE_TEXT * base);
      });
      (layout.scene.annotations || []).forEach(function (a) { font(a, (a.font && a.font.size || BASE) * g); });
    }
    fig.data.forEach(function (t) {
      if (t.type === "contour" && t.colorbar) {
        t.colorbar.tickfont = Object.assign({}, t.colorbar.tickfont || {}, { size: base });
        if (t.colorbar.title) font(t.colorbar.title, base);
      }
    });
    return fig;
  }

  function fresh() {
    var fig = JSON.parse(page.figureText);
    return scaleFonts({ data: fig.data.concat(liveTraces(page.cfg)), layout: fig.layout });
  }

  /* A fixed right margin while the state is live, room for the colour bar's labels as they
     change: else each change of their width moves the margin, and plotly draws the page again
     (up to three times a move). */
  var BAR_CHARS = 3;
  function liveMargin(margin) {
    if (!page.cfg.panels.some(function (p) { return !p.threeD; }) || !page.autoR) return margin;
    var grown = fontBase() / page.autoBase;  // the window's width changed since: type with it
    return Object.assign({}, margin, { r: Math.round((page.autoR + BAR_CHARS * 0.6 * page.autoBase) * grown), autoexpand: false });
  }

  function titleKey(s) {
    return s.loss + "|" + s.variant + "|" + (s.temperature === 1 ? "1" : "T");
  }

  // ---- the slice: the loss along d = x1 - x0 and its slope, as swl_viz.curves draws them ----

  var BISECT_STEPS = 200, GAMMA_MAX = 5;

  function num4(v) {  // Python's f"{v:.4g}" with a true minus sign
    return String(Number((v + 0).toPrecision(4))).replace("-", "\u2212");
  }

  /* L and the slope dL/dd = (g_j - g_i) / 2 at d, the logits a_i = -d/2, a_j = d/2. */
  function along(cfg, s, d) {
    var res = loss(logits(cfg, -d / 2, d / 2), s.t, opts(s)), i = cfg.axes[0], j = cfg.axes[1];
    return { L: res.L, slope: (res.grad[j] - res.grad[i]) / 2, y: res.y };
  }

  function bisect(f, lo, hi) {  // where an increasing f crosses 0 (an end when it does not)
    if (f(lo) >= 0) return lo;
    if (f(hi) <= 0) return hi;
    var a = lo, b = hi;
    for (var n = 0; n < BISECT_STEPS; n++) {
      var mid = (a + b) / 2;
      if (mid === a || mid === b) break;
      if (f(mid) < 0) a = mid; else b = mid;
    }
    return (a + b) / 2;
  }

  function golden(f, lo, hi) {  // the minimiser of a convex f on [lo, hi]
    var ratio = (Math.sqrt(5) - 1) / 2, a = lo, b = hi;
    var c = b - ratio * (b - a), d = a + ratio * (b - a), fc = f(c), fd = f(d);
    for (var n = 0; n < BISECT_STEPS; n++) {
      if (fc <= fd) { b = d; d = c; fd = fc; c = b - ratio * (b - a); fc = f(c); }
      else { a = c; c = d; fc = fd; d = a + ratio * (b - a); fd = f(d); }
      if (b - a <= 1e-12 * Math.max(1, Math.abs(a))) break;
    }
    return (a + b) / 2;
  }

  /* The slice's numbers for state s, as swl_viz.probe.loss_slice and swl_viz.curves make them. */
  function sliceCurves(cfg, s) {
    var sc = cfg.slice, n = sc.points, lo = sc.lo, hi = sc.hi, step = (hi - lo) / (n - 1);
    var i = cfg.axes[0], j = cfg.axes[1], K = cfg.k, T = s.temperature, eps = s.labelSmoothing;
    var t = s.t.map(function (v) { return eps ? (1 - eps) * v + eps / K : v; });
    var d = new Array(n), L = new Array(n), slope = new Array(n), book = null, k;
    if (s.variant === "book") book = new Array(n);
    var rest = [];
    for (k = 0; k < K; k++) if (k !== i && k !== j) rest.push(k);
    for (k = 0; k < n; k++) {
      d[k] = k === n - 1 ? hi : k * step + lo;
      var r = along(cfg, s, d[k]);
      L[k] = r.L; slope[k] = r.slope;
      if (book) {  // the true slope of -sum t log(y + 1e-7): flat on the plateau
        var wy = r.y.map(function (y, m) { return -t[m] * y / (y + BOOK_DELTA); });
        var sum = wy.reduce(function (a, b) { return a + b; }, 0);
        var dai = (wy[i] - r.y[i] * sum) / T, daj = (wy[j] - r.y[j] * sum) / T;
        book[k] = (daj - dai) / 2;
      }
    }
    var tRest = 0, dot = 0;
    rest.forEach(function (m) { tRest += t[m]; dot += t[m] * cfg.logits[m]; });
    var right = (t[i] + tRest / 2) / T, left = -(t[j] + tRest / 2) / T + 0;
    if (s.loss === "mse") { left = 0; right = 0; }
    var intercept = rest.length ? -dot / T + 0 : 0;
    var out = { d: d, L: L, slope: slope, book: book, left: left, right: right, lines: {} };
    var top = Math.max.apply(null, L), floor = Math.min(0, Math.min.apply(null, L));
    if (s.variant === "exact" && s.loss !== "mse") {
      out.lines["asymptote-left"] = { x: [lo, 0], y: [left * lo + intercept, intercept] };
      out.lines["asymptote-right"] = { x: [0, hi], y: [intercept, right * hi + intercept] };
    } else if (s.variant === "book") {
      var limits = [i, j].map(function (c) { return -t[c] * Math.log(1 + BOOK_DELTA) - (1 - t[c]) * Math.log(BOOK_DELTA); });
      var cap = Math.max(limits[0], limits[1]);
      out.lines.cap = { x: [lo, hi], y: [cap, cap] };
      top = Math.max(top, cap);
    }
    out.atZero = along(cfg, s, 0).L;
    out.minimum = null;
    var off = rest.length ? null : minimumOffset(cfg, s);
    if (!rest.length && off !== null) {
      var dMin = -off;
      if (lo <= dMin && dMin <= hi) out.minimum = [dMin, s.loss === "mse" ? 0 : along(cfg, s, dMin).L];
    } else if (rest.length && left < 0 && 0 < right) {
      var found = s.variant === "exact" ?
        bisect(function (x) { return along(cfg, s, x).slope; }, lo, hi) :
        golden(function (x) { return along(cfg, s, x).L; }, lo, hi);
      var margin = 1e-9 * (hi - lo);
      if (lo + margin < found && found < hi - margin) out.minimum = [found, along(cfg, s, found).L];
    }
    var reach = Math.max(Math.abs(left), Math.abs(right));
    slope.forEach(function (v) { reach = Math.max(reach, Math.abs(v)); });
    out.ylim = [floor - 0.05 * (top - floor), top + 0.12 * (top - floor)];
    out.slopeYlim = [-1.2 * reach, 1.2 * reach];
    // the loss curve's formula in the legend, as swl_viz.curves names it (or none)
    var w = sc.words, legend = null;
    if (s.loss !== "ce") legend = s.loss === "mse" ? w.mse : w.focal;
    else if (K === 2 && s.variant === "exact") {
      var arg = T === 1 ? w.d : w.dT, terms = [];
      [[t[i], arg], [t[j], "\u2212" + arg]].forEach(function (p) {
        if (p[0]) terms.push((p[0] === 1 ? "" : num4(p[0]) + "\u00b7") + "softplus(" + p[1] + ")");
      });
      legend = terms.length === 1 && terms[0] === "softplus(" + w.d + ")" ? w.softplus1 : w.L + " = " + terms.join(" + ");
    } else if (s.variant === "book") legend = w.book;
    out.legend = legend;
    return out;
  }

  function sliceFigure(s) {
    var cfg = page.cfg, base = page.base, c = sliceCurves(cfg, s), sc = cfg.slice;
    var data = base.data.map(function (trace) {
      var t = Object.assign({}, trace), role = trace.meta, xy = null;
      if (role === "slice-loss") {
        xy = { x: c.d, y: c.L };
        t.name = c.legend || role; t.showlegend = c.legend !== null;
      } else if (role === "slope") {
        xy = { x: c.d, y: c.slope };
        t.name = c.book ? sc.words.backward : role; t.showlegend = c.book !== null; t.legend = "legend2";
      } else if (role === "book-slope") {
        xy = c.book ? { x: c.d, y: c.book } : null;
        t.name = sc.words.bookSlope; t.showlegend = c.book !== null; t.legend = "legend2";
      } else if (role === "at-zero") xy = { x: [0], y: [c.atZero] };
      else if (role === "minimum") xy = c.minimum ? { x: [c.minimum[0]], y: [c.minimum[1]] } : null;
      else if (role === "slope-limit-left") xy = { x: [sc.lo, sc.hi], y: [c.left, c.left] };
      else if (role === "slope-limit-right") xy = { x: [sc.lo, sc.hi], y: [c.right, c.right] };
      else if (c.lines[role]) xy = c.lines[role];
      t.x = xy ? xy.x : []; t.y = xy ? xy.y : [];
      return t;
    });
    var key = titleKey(s);
    if (!page.liveLayouts[key]) {
      var layout = Object.assign({}, base.layout);
      if (layout.title) layout.title = Object.assign({}, layout.title, { text: cfg.titles[key] || "" });
      layout.annotations = (layout.annotations || []).map(function (a) { return Object.assign({}, a, { visible: false }); });
      page.liveLayouts[key] = layout;
    }
    var out = Object.assign({}, page.liveLayouts[key]);
    out.yaxis = Object.assign({}, out.yaxis, { range: c.ylim });
    out.yaxis2 = Object.assign({}, out.yaxis2, { range: c.slopeYlim });
    return { data: data, layout: out };
  }

  /* The figure for a state away from Python's: the same traces, recomputed. */
  function liveFigure(s) {
    if (page.cfg.slice) return sliceFigure(s);
    // the figure Python built, with only what the state changes replaced: plotly then redraws
    // only the traces whose objects are new
    var cfg = page.cfg, base = page.base, cache = {};
    var data = base.data.slice(), layout = Object.assign({}, base.layout);
    function own(n) {
      if (data[n] === base.data[n]) data[n] = Object.assign({}, base.data[n]);
      return data[n];
    }
    var zs = [];
    var values = cfg.panels.map(function (panel) {
      var key = panel.x.length + ":" + panel.x[0] + ":" + panel.y.length + ":" + panel.y[0];
      if (!cache[key]) cache[key] = gridValues(cfg, s, panel.x, panel.y);
      var v = cache[key];
      var z = v.L.map(function (row) { return row.map(function (L) { return height(cfg, L); }); });
      zs.push(z);
      return { v: v, z: z };
    });
    var lo = Infinity, hi = -Infinity;
    zs.forEach(function (z) { z.forEach(function (row) { row.forEach(function (h) { lo = Math.min(lo, h); hi = Math.max(hi, h); }); }); });
    if (cfg.zscale === "linear") lo = Math.min(lo, 0);
    if (cfg.zlim) {
      lo = cfg.zscale === "log" ? Math.log10(Math.max(cfg.zlim[0], 5e-324)) : cfg.zlim[0];
      hi = cfg.zscale === "log" ? Math.log10(Math.max(cfg.zlim[1], 5e-324)) : cfg.zlim[1];
    }
    if (!(hi > lo)) hi = lo + 1;
    var lv = levels(lo, hi, cfg.zscale, cfg.levels), lift = cfg.look.lineLift * (hi - lo);
    var markZ = [];
    cfg.panels.forEach(function (panel, n) {
      var g = own(panel.grid), v = values[n].v, z = values[n].z;
      var cd = v.L.map(function (row, r) {
        return row.map(function (L, c) {
          return cfg.zscale === "log" ? [L, v.g0[r][c], v.g1[r][c]] : [v.g0[r][c], v.g1[r][c]];
        });
      });
      g.z = z;
      if (panel.threeD) {
        g.customdata = transpose(cd); g.text = transpose(v.text); g.cmin = lo; g.cmax = hi;
      } else {
        g.customdata = cd; g.text = v.text; g.zmin = lv[0]; g.zmax = lv[lv.length - 1];
        g.contours = Object.assign({}, g.contours || {}, contours(lv));
      }
      if (panel.field.length) {
        var f = field(cfg, s, panel, [lo, hi]);
        if (panel.threeD) {
          Object.assign(own(panel.field[0]), f.shafts);
          Object.assign(own(panel.field[1]), f.heads);
        } else {
          var tr = own(panel.field[0]);
          tr.x = f.x; tr.y = f.y;
          tr.marker = Object.assign({}, tr.marker || {}, f.marker);
        }
      }
    });
    // the scene's own marks and labels belong to Python's state: hidden; the live ones drawn
    var first = page.liveStart;
    for (var n = 0; n < first; n++) if (data[n].meta) own(n).visible = false;
    var index = first;
    cfg.panels.forEach(function (panel) {
      var marks = liveMarks(cfg, s, panel, lift, [lo, hi]);
      LIVE_ROLES.forEach(function (role) {
        if (role === "probe-arrow-head" && !panel.threeD) return;
        var k = index++, m = marks[role];
        if (m) {
          var t = own(k);
          Object.keys(m).forEach(function (key) {
            if (key === "marker") t.marker = Object.assign({}, t.marker, m.marker);
            else t[key] = m[key];
          });
          t.visible = true;
          if (panel.threeD && m.z) m.z.forEach(function (h) { if (isFinite(h)) markZ.push(h); });
        }
      });
    });
    var key = titleKey(s), title = cfg.titles[key];
    // one layout per title: a control's move then changes the traces alone, and plotly redraws
    // neither the axes nor the page's text (the state is written beside the controls)
    if (!page.liveLayouts[key]) {
      if (layout.title) layout.title = Object.assign({}, layout.title, { text: title || "" });
      layout.annotations = (layout.annotations || []).map(function (a) {
        return Object.assign({}, a, { visible: false });
      });
      if (layout.scene) {
        layout.scene = Object.assign({}, layout.scene, {
          annotations: (layout.scene.annotations || []).map(function (a) { return Object.assign({}, a, { visible: false }); })
        });
      }
      layout.margin = liveMargin(layout.margin);
      page.liveLayouts[key] = layout;
    }
    layout = page.liveLayouts[key];
    if (layout.scene) {
      var zlo = lo, zhi = hi;
      markZ.forEach(function (h) { zlo = Math.min(zlo, h); zhi = Math.max(zhi, h); });
      var range = [zlo < lo ? zlo - lift : lo, zhi > hi ? zhi + lift : hi];
      if (!sameList(range, layout.scene.zaxis.range)) {
        layout = Object.assign({}, layout, { scene: Object.assign({}, layout.scene, {
          zaxis: Object.assign({}, layout.scene.zaxis, { range: range }) }) });
        page.liveLayouts[key] = layout;
      }
    }
    return { data: data, layout: layout };
  }

  function showState(s) {
    var line = el("swl-viz-state");
    if (line) line.textContent = isInitial(s) ? "" : subtitle(page.cfg, s).replace(/\u00a0/g, " ") +
      (s.variant === "book" ? ",  book" : "") +
      (s.loss === "ce" ? "" : ",  " + s.loss + (s.loss === "focal" ? " \u03b3 = " + short(s.gamma) : ""));
  }

  function showProbe(s) {
    var box = document.getElementById("swl-viz-probe");
    if (!box) return;
    if (!s.probe) { box.textContent = ""; return; }
    var cfg = page.cfg, p = probeAt(cfg, s), pick = null, suffix = "";
    if (cfg.k > cfg.maxBoxClasses) { pick = cfg.axes; suffix = "[" + cfg.axes.join(",") + "]"; }
    function sel(v) { return pick ? pick.map(function (k) { return v[k]; }) : v; }
    var diff = p.y.map(function (v, k) { return s.loss === "ce" ? p.grad[k] * s.temperature : v - p.target[k]; });
    var tname = s.labelSmoothing ? cfg.words.smoothed : "t";
    var lines = [
      cfg.words.probeTitle + ": " + cfg.words.logits[0] + " = " + number4(s.probe[0]) + ", " + cfg.words.logits[1] + " = " + number4(s.probe[1]),
      "y" + suffix + " = " + vec4(sel(p.y)),
      tname + suffix + " = " + vec4(sel(p.target)),
      "y \u2212 t" + suffix + " = " + vec4(sel(diff)),
      "L = " + number4(p.L)
    ];
    if (s.loss !== "ce") lines.splice(4, 0, "\u2207L" + suffix + " = " + vec4(sel(p.grad)));
    else if (s.temperature !== 1) lines.splice(4, 0, "(y \u2212 t)/T" + suffix + " = " + vec4(sel(p.grad)));
    box.textContent = "";
    lines.forEach(function (line, k) {  // one line of text each, drawn side by side
      if (k) box.appendChild(document.createTextNode("\n"));
      var part = document.createElement("span");
      part.className = "swl-probe-part";
      part.textContent = line;
      box.appendChild(part);
    });
  }

  // ---- the state: controls and the URL fragment ------------------------------------------

  function el(id) { return document.getElementById(id); }

  function syncControls(s) {
    var cfg = page.cfg, t0 = el("swl-t0");
    if (t0 && cfg.k === 2) { t0.value = String(s.t[0]); el("swl-t0-value").textContent = short(s.t[0]); }
    var T = el("swl-temperature");
    if (T) { T.value = String(Math.log10(s.temperature)); el("swl-temperature-value").textContent = short(s.temperature); }
    var e = el("swl-smoothing");
    if (e) { e.value = String(s.labelSmoothing); el("swl-smoothing-value").textContent = short(s.labelSmoothing); }
    var v = el("swl-variant");
    if (v) { v.value = s.variant; v.disabled = s.loss !== "ce"; }
    var kind = el("swl-loss");
    if (kind) kind.value = s.loss;
    var g = el("swl-gamma"), gc = el("swl-gamma-control");
    if (g && String(Number(g.value)) !== String(s.gamma)) g.value = String(s.gamma);
    if (gc) gc.hidden = s.loss !== "focal";
    var p0 = el("swl-probe-x0"), p1 = el("swl-probe-x1");
    if (p0 && p1) { p0.value = s.probe ? String(s.probe[0]) : ""; p1.value = s.probe ? String(s.probe[1]) : ""; }
  }

  function encode(s) {
    if (isInitial(s)) return "";
    var parts = [];
    if (page.cfg.k === 2) parts.push("t0=" + s.t[0]);
    parts.push("T=" + s.temperature, "eps=" + s.labelSmoothing, "variant=" + s.variant, "loss=" + s.loss);
    if (s.loss === "focal") parts.push("gamma=" + s.gamma);
    if (s.probe) parts.push("probe=" + s.probe.join(","));
    if (s.descent) parts.push("descent=" + s.descent.join(","));
    return "#" + parts.join("&");
  }

  function finite(text) {
    var v = Number(text);
    return text !== "" && isFinite(v) ? v : null;
  }

  function pair(text) {
    var p = String(text).split(",");
    if (p.length !== 2) return null;
    var a = finite(p[0]), b = finite(p[1]);
    return a === null || b === null ? null : [a, b];
  }

  /* A state from the URL fragment: each recognised, valid entry replaces the initial one. */
  function decode(hash) {
    var s = initialState(page.cfg);
    if (!hash || hash.length < 2) return s;
    hash.slice(1).split("&").forEach(function (item) {
      var eq = item.indexOf("="), key = item.slice(0, eq), value = decodeURIComponent(item.slice(eq + 1));
      var v = finite(value);
      if (key === "t0" && page.cfg.k === 2 && v !== null && v >= 0 && v <= 1) s.t = [v, 1 - v];
      if (key === "T" && v !== null && v >= 1e-3 && v <= 1e3) s.temperature = v;
      if (key === "eps" && v !== null && v >= 0 && v <= 1) s.labelSmoothing = v;
      if (key === "variant" && (value === "exact" || value === "book")) s.variant = value;
      if (key === "loss" && (value === "ce" || value === "mse" || value === "focal")) s.loss = value;
      if (key === "gamma" && v !== null && v >= 0 && v <= GAMMA_MAX) s.gamma = v;
      if (key === "probe") s.probe = value === "" ? null : pair(value);
      if (key === "descent") s.descent = value === "" ? null : pair(value);
    });
    if (s.loss !== "ce") s.variant = "exact";  // the book's 1e-7 is the cross-entropy's
    return s;
  }

  /* The URL follows the state once a dragged control rests (writing the history on every
     frame of a drag costs more than a 2-D redraw's maths). */
  var hashTimer = null, hashNext = null, HASH_REST_MS = 150;
  function writeHash() {
    if (hashTimer !== null) clearTimeout(hashTimer);
    hashTimer = null;
    if (hashNext !== null && location.hash !== hashNext) {
      history.replaceState(null, "", location.href.split("#")[0] + hashNext);
    }
    hashNext = null;
  }
  function setHash(s) {
    hashNext = encode(s);
    if (hashTimer !== null) clearTimeout(hashTimer);
    hashTimer = setTimeout(writeHash, HASH_REST_MS);
  }

  var pending = null, inflight = 0;

  /* Draw state `s` now; the promise resolves once plotly has drawn it. */
  function draw(s) {
    var begin = performance.now();
    page.state = copyState(s);
    var fig = isInitial(s) ? { data: page.base.data.slice(), layout: page.base.layout } : liveFigure(s);
    showProbe(s);
    showState(s);
    setHash(s);
    inflight += 1;
    return Plotly.react(page.gd, fig.data, fig.layout, page.plotConfig).then(function () {
      inflight -= 1;
      api.redrawMs = performance.now() - begin;
      api.redraws += 1;
      page.gd.dispatchEvent(new CustomEvent("swlviz:drawn", { detail: { ms: api.redrawMs } }));
    });
  }

  /* Ask for state `s`: drawn at once, or, while a drawing is under way (a dragged control
     sends many moves), once it is done, with the latest state asked for. */
  var again = false;
  function request(s) {
    page.state = copyState(s);
    if (pending) {
      again = true;
      return pending;
    }
    pending = draw(page.state).then(function next() {
      if (!again) return null;
      again = false;
      return draw(page.state).then(next);
    }).then(function () { pending = null; }, function (error) {
      pending = null; again = false; throw error;
    });
    return pending;
  }

  function wire() {
    var cfg = page.cfg, s = function () { return copyState(page.state); };
    function on(id, handler) {
      var node = el(id);
      if (node) node.addEventListener("input", function () { handler(node); });
    }
    on("swl-t0", function (node) {
      var v = Math.round(Number(node.value) * 100) / 100, n = s();
      n.t = [v, 1 - v]; el("swl-t0-value").textContent = short(v); request(n);
    });
    on("swl-temperature", function (node) {
      var v = Number(Math.pow(10, Number(node.value)).toPrecision(2)), n = s();
      n.temperature = Math.min(1e3, Math.max(1e-3, v)); el("swl-temperature-value").textContent = short(n.temperature); request(n);
    });
    on("swl-smoothing", function (node) {
      var v = Math.round(Number(node.value) * 100) / 100, n = s();
      n.labelSmoothing = v; el("swl-smoothing-value").textContent = short(v); request(n);
    });
    var variant = el("swl-variant");
    if (variant) variant.addEventListener("change", function () { var n = s(); n.variant = variant.value; request(n); });
    var kind = el("swl-loss");
    if (kind) kind.addEventListener("change", function () {
      var n = s(); n.loss = kind.value;
      if (n.loss !== "ce") n.variant = "exact";  // the book's 1e-7 is the cross-entropy's
      syncControls(n); request(n);
    });
    var gamma = el("swl-gamma");
    if (gamma) gamma.addEventListener("input", function () {
      var v = finite(gamma.value);
      if (v === null || v < 0 || v > GAMMA_MAX) return;  // the field shows it; the state waits
      var n = s(); n.gamma = v; request(n);
    });
    var form = el("swl-viz-controls");
    if (form) form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!el("swl-probe-x0") || !el("swl-probe-x1")) return;
      var a = finite(el("swl-probe-x0").value), b = finite(el("swl-probe-x1").value);
      if (a === null || b === null) return;
      var n = s(); n.probe = [a, b]; n.descent = [a, b]; request(n);
    });
    var clear = el("swl-clear");
    if (clear) clear.addEventListener("click", function () { var n = s(); n.probe = null; n.descent = null; syncControls(n); request(n); });
    var reset = el("swl-reset");
    if (reset) reset.addEventListener("click", function () { var n = initialState(cfg); syncControls(n); request(n); });
    el("swl-viz-hint") && cfg.panels.some(function (p) { return !p.threeD; }) && (el("swl-viz-hint").hidden = false);
    page.gd.on("plotly_click", function (ev) {
      var point = ev && ev.points && ev.points[0];
      if (!point) return;
      var at = null;
      if (point.data && point.data.type === "contour" && ev.event) {
        var full = page.gd._fullLayout, xa = full.xaxis, ya = full.yaxis, box = page.gd.getBoundingClientRect();
        at = [xa.p2c(ev.event.clientX - box.left - xa._offset), ya.p2c(ev.event.clientY - box.top - ya._offset)];
      } else if (point.data && point.data.type === "surface") {
        at = [point.x, point.y];
      }
      if (!at || !isFinite(at[0]) || !isFinite(at[1])) return;
      var n = s(); n.probe = at; n.descent = at.slice(); syncControls(n); request(n);
    });
    window.addEventListener("hashchange", function () {
      var n = decode(location.hash); syncControls(n); request(n);
    });
  }

  /* The plane fills the page's width, so its axes have different scales: turn the labels
     that lie along the plane's diagonal lines (Python turned them 45 degrees, for equal
     scales) to the drawn slope, and state the scales' ratio beside the controls. */
  var ALONG = -45;
  function fitPlane() {
    var full = page.gd._fullLayout, xa = full.xaxis, ya = full.yaxis, line = el("swl-viz-aspect");
    if (!xa || !ya || page.cfg.slice || !page.cfg.panels.some(function (p) { return !p.threeD; })) return null;
    var sx = xa._length / Math.abs(xa.range[1] - xa.range[0]);
    var sy = ya._length / Math.abs(ya.range[1] - ya.range[0]);
    var angle = -Math.atan2(sy, sx) * 180 / Math.PI, changes = {};
    var shown = page.gd.layout.annotations || [];
    (page.along || []).forEach(function (n) {
      page.base.layout.annotations[n].textangle = angle;
      if (shown[n] && Math.abs(shown[n].textangle - angle) > 0.05) changes["annotations[" + n + "].textangle"] = angle;
    });
    Object.keys(page.liveLayouts || {}).forEach(function (key) {
      (page.along || []).forEach(function (n) {
        var a = page.liveLayouts[key].annotations;
        if (a && a[n]) a[n] = Object.assign({}, a[n], { textangle: angle });
      });
    });
    if (line) {
      var ratio = Number((sy / sx).toPrecision(2));
      line.textContent = ratio === 1 ? "" : page.cfg.words.aspect
        .replace("{x1}", page.cfg.words.logits[1]).replace("{x0}", page.cfg.words.logits[0])
        .replace("{ratio}", String(ratio));
      line.hidden = ratio === 1;
    }
    api.aspect = sy / sx;
    return Object.keys(changes).length ? Plotly.relayout(page.gd, changes) : null;
  }

  /* plotly refines a surface of fewer than 120 points a side by interpolating it to about
     120 (a 21 x 21 grid becomes 126 x 126) and draws its wire lines on that: on a redraw in
     software WebGL that is most of the time, for no visible change (the grid's quads are
     split along the same edges). The page's surfaces are drawn at their own points. */
  function unrefined() {
    var scenes = page.gd._fullLayout ? Object.keys(page.gd._fullLayout).filter(function (k) { return /^scene\d*$/.test(k); }) : [];
    scenes.forEach(function (k) {
      var gl = page.gd._fullLayout[k]._scene, traces = gl && gl.traces;
      if (!traces) return;
      Object.keys(traces).forEach(function (uid) {
        var obj = traces[uid], proto = obj && Object.getPrototypeOf(obj);
        if (proto && typeof proto.estimateScale === "function" && typeof proto.refineCoords === "function" && !proto.swlVizFlat) {
          proto.estimateScale = function () { return 1; };
          proto.swlVizFlat = true;
        }
      });
    });
  }

  function markAlong() {
    page.along = [];
    (page.base.layout.annotations || []).forEach(function (a, n) {
      if (a.textangle === ALONG && a.xref === "x") page.along.push(n);
    });
  }

  function start() {
    var cfg = JSON.parse(el("swl-viz-config").textContent);
    var figureText = el("swl-viz-figure").textContent;
    var gd = el(cfg.div);
    page = { cfg: cfg, gd: gd, figureText: figureText, state: initialState(cfg),
             plotConfig: { displaylogo: false, responsive: true, plotGlPixelRatio: window.devicePixelRatio || 1 } };
    var fonts = document.fonts && cfg.family.indexOf("swl-viz-ja") >= 0 ?
      document.fonts.load("16px swl-viz-ja", "\u640d").catch(function () { return null; }) : Promise.resolve();
    api.ready = fonts.then(function () {
      page.liveStart = JSON.parse(figureText).data.length;
      page.base = fresh();
      page.liveLayouts = {};
      markAlong();
      return Plotly.newPlot(gd, page.base.data.slice(), page.base.layout, page.plotConfig);
    }).then(function () {
      unrefined();
      page.autoR = gd._fullLayout._size.r;  // the margin plotly made for the colour bar
      page.autoBase = fontBase();
      return fitPlane();
    }).then(function () {
      if (window.ResizeObserver) {  // the probe's lines and the controls take room from the plot
        new ResizeObserver(function () {
          var r = Plotly.Plots.resize(gd);
          if (r && r.then) r.then(fitPlane);
        }).observe(gd);
      }
      var width = window.innerWidth;
      window.addEventListener("resize", function () {
        if (window.innerWidth !== width) {
          width = window.innerWidth; page.base = fresh(); page.liveLayouts = {}; markAlong();
          request(page.state).then(fitPlane);
        }
      });
      wire();
      var s = decode(location.hash);
      syncControls(s);
      return isInitial(s) ? (showProbe(s), null) : draw(s);
    });
    return api.ready;
  }

  api.start = start;
  api._liveFigure = function (s) { return liveFigure(s); };
  api.state = function () { return page ? copyState(page.state) : null; };
  api.set = function (changes) {
    var n = copyState(page.state);
    Object.keys(changes).forEach(function (k) { n[k] = changes[k]; });
    syncControls(n);
    return draw(n).then(writeHash);  // a script's state is in the URL at once
  };
  api.pending = function () { return pending !== null || inflight > 0 || hashTimer !== null; };
  api.initial = function () { return page ? initialState(page.cfg) : null; };
  api.live = function () { return page ? !isInitial(page.state) : false; };

  if (typeof window !== "undefined") window.swlViz = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})();
