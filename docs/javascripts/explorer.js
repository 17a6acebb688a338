// The rotation explorer on rotation.html (element #pe-explorer): pick d, the base, a position p
// and an offset k; see four pairs of PE(p) and PE(p + k) on their circles, and the dot product
// PE(p)·PE(p + k), which does not change when p changes (theorem thm-dot).
//
// This is an illustration computed in the reader's browser with float64 Math.sin/Math.cos, not
// the reference. tests/test_browser.py sets the controls and compares every number shown here
// with posenc_ref, so the two cannot drift apart. No network, no library.
(function () {
  "use strict";

  function frequencies(d, base) {
    // omega_i = base^(-2i/d), i = 0 … d/2 - 1 (i is the pair index).
    var w = [];
    for (var i = 0; i < d / 2; i++) w.push(Math.pow(base, -2 * i / d));
    return w;
  }

  function dot(w, p, q) {
    // PE(p)·PE(q) summed entry by entry (not by the closed form, which the page proves).
    var s = 0;
    for (var i = 0; i < w.length; i++) {
      s += Math.sin(p * w[i]) * Math.sin(q * w[i]) + Math.cos(p * w[i]) * Math.cos(q * w[i]);
    }
    return s;
  }

  function shownPairs(d) {
    // Four pairs spread over the width: the fastest, two in between, the slowest.
    var h = d / 2;
    var pairs = [0, Math.floor(h / 8), Math.floor(h / 3), h - 1];
    return pairs.filter(function (v, k) { return pairs.indexOf(v) === k; });
  }

  function fmt(x, digits) {
    return Number(x).toPrecision(digits);
  }

  function drawPair(canvas, angleP, angleQ) {
    var ctx = canvas.getContext("2d");
    var W = canvas.width, H = canvas.height, r = Math.min(W, H) / 2 - 14;
    var cx = W / 2, cy = H / 2;
    ctx.clearRect(0, 0, W, H);
    ctx.strokeStyle = "#999";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    ctx.moveTo(cx - r - 6, cy); ctx.lineTo(cx + r + 6, cy);
    ctx.moveTo(cx, cy - r - 6); ctx.lineTo(cx, cy + r + 6);
    ctx.stroke();
    // The point (cos θ, sin θ): x = cosine column, y = sine column (canvas y grows downwards).
    function point(theta, color) {
      var x = cx + r * Math.cos(theta), y = cy - r * Math.sin(theta);
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(x, y); ctx.stroke();
      ctx.fillStyle = color;
      ctx.beginPath(); ctx.arc(x, y, 5, 0, 2 * Math.PI); ctx.fill();
    }
    point(angleP, "#3949ab");
    point(angleQ, "#c62828");
  }

  function setup(root) {
    var inputs = {
      d: root.querySelector("[name=d]"),
      logBase: root.querySelector("[name=log-base]"),
      p: root.querySelector("[name=p]"),
      k: root.querySelector("[name=k]")
    };
    var out = root.querySelector(".pe-explorer-out");
    var pairsBox = root.querySelector(".pe-explorer-pairs");

    function update() {
      var d = parseInt(inputs.d.value, 10);
      var base = Math.pow(10, parseFloat(inputs.logBase.value));
      var p = parseInt(inputs.p.value, 10);
      var k = parseInt(inputs.k.value, 10);
      var w = frequencies(d, base);
      var score = dot(w, p, p + k);
      var score0 = dot(w, 0, k);
      root.dataset.d = d; root.dataset.base = base; root.dataset.p = p; root.dataset.k = k;
      root.dataset.dot = score; root.dataset.dot0 = score0;
      out.querySelector("[data-out=settings]").textContent =
        "d = " + d + ", base = " + Number(base.toPrecision(6)) + ", p = " + p + ", k = " + k;
      out.querySelector("[data-out=dot]").textContent = fmt(score, 12);
      out.querySelector("[data-out=dot0]").textContent = fmt(score0, 12);
      out.querySelector("[data-out=longest]").textContent = fmt(2 * Math.PI / w[w.length - 1], 8);

      pairsBox.textContent = "";
      shownPairs(d).forEach(function (i) {
        var figure = document.createElement("figure");
        figure.className = "pe-explorer-pair";
        figure.dataset.pair = i;
        figure.dataset.sin = Math.sin(p * w[i]);
        figure.dataset.cos = Math.cos(p * w[i]);
        figure.dataset.sinK = Math.sin((p + k) * w[i]);
        figure.dataset.cosK = Math.cos((p + k) * w[i]);
        var canvas = document.createElement("canvas");
        canvas.width = 150; canvas.height = 150;
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", "pair " + i + " at positions p and p + k on the unit circle");
        drawPair(canvas, p * w[i], (p + k) * w[i]);
        var caption = document.createElement("figcaption");
        caption.textContent = "pair " + i + " (columns " + 2 * i + ", " + (2 * i + 1) +
          "), ω = " + fmt(w[i], 4) + ": turned by k·ω = " + fmt(k * w[i], 4) + " rad";
        figure.appendChild(canvas);
        figure.appendChild(caption);
        pairsBox.appendChild(figure);
      });
      root.dataset.ready = "true";
    }

    Object.keys(inputs).forEach(function (name) {
      inputs[name].addEventListener("input", update);
      inputs[name].addEventListener("change", update);
    });
    update();
  }

  function init() {
    var root = document.getElementById("pe-explorer");
    if (root && !root.dataset.ready) setup(root);
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(init);  // Material's instant navigation, when enabled
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
