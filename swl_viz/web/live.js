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

  var api = { loss: loss, version: 1 };
  if (typeof window !== "undefined") window.swlViz = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})();
