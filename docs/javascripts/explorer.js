// The rotation explorer on rotation.html (element #pe-explorer): pick d, the base, a position p
// and an offset k; see four pairs of PE(p) and PE(p + k) on their circles, and the dot product
// PE(p)·PE(p + k), which does not change when p changes (theorem thm-dot).
//
// This is an illustration computed in the reader's browser with float64 Math.sin/Math.cos, not
// the reference. tests/test_browser.py sets the controls and compares every number shown here
// with posenc_ref, so the two cannot drift apart. No network, no library.
//
// Inputs are checked before anything is computed: an empty field, a fraction or a value out of
// range gives a message next to the controls (and the field is marked invalid); the last valid
// result stays on screen, greyed out, rather than turning into NaN.
(function () {
  "use strict";

  var LIMITS = {
    p: { min: 0, max: 1000000, label: "position p" },
    k: { min: -1000, max: 1000, label: "offset k" }
  };

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

  function readInteger(input, limits) {
    // The value of a whole-number field, or an error message that says what to type.
    var raw = input.value.trim();
    var range = "a whole number from " + limits.min + " to " + limits.max;
    if (input.validity && input.validity.badInput) {
      return { error: limits.label + " is not a number: type " + range + "." };
    }
    if (raw === "") return { error: limits.label + " is empty: type " + range + "." };
    var value = Number(raw);
    if (!Number.isFinite(value)) {
      return { error: limits.label + " is not a number: type " + range + "." };
    }
    if (!Number.isInteger(value)) {
      return { error: limits.label + " = " + raw + " is not a whole number: type " + range + "." };
    }
    if (value < limits.min || value > limits.max) {
      return { error: limits.label + " = " + raw + " is out of range: type " + range + "." };
    }
    return { value: value };
  }

  function colours(root) {
    // Taken from the stylesheet, so that the circles follow the light or dark scheme.
    var style = getComputedStyle(root);
    function get(name, fallback) {
      return style.getPropertyValue(name).trim() || fallback;
    }
    return {
      axis: get("--pe-axis", "#999"),
      p: get("--pe-colour-p", "#3949ab"),
      q: get("--pe-colour-q", "#c62828")
    };
  }

  function drawPair(canvas, angleP, angleQ, colour) {
    var ctx = canvas.getContext("2d");
    var W = canvas.width, H = canvas.height, r = Math.min(W, H) / 2 - 14;
    var cx = W / 2, cy = H / 2;
    ctx.clearRect(0, 0, W, H);
    ctx.strokeStyle = colour.axis;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    ctx.moveTo(cx - r - 6, cy); ctx.lineTo(cx + r + 6, cy);
    ctx.moveTo(cx, cy - r - 6); ctx.lineTo(cx, cy + r + 6);
    ctx.stroke();
    // The point (cos θ, sin θ): x = cosine column, y = sine column (canvas y grows downwards).
    function point(theta, c) {
      var x = cx + r * Math.cos(theta), y = cy - r * Math.sin(theta);
      ctx.strokeStyle = c;
      ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(x, y); ctx.stroke();
      ctx.fillStyle = c;
      ctx.beginPath(); ctx.arc(x, y, 5, 0, 2 * Math.PI); ctx.fill();
    }
    point(angleP, colour.p);
    point(angleQ, colour.q);
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
    var message = root.querySelector("[data-out=message]");
    // The one-page print copy renames form fields; there the explorer is not shown at all.
    if (!inputs.d || !inputs.logBase || !inputs.p || !inputs.k || !out || !pairsBox) return;

    function show(name, text) {
      var el = root.querySelector("[data-out=" + name + "]");
      if (el) el.textContent = text;
    }

    function update() {
      var d = parseInt(inputs.d.value, 10);
      var logBase = parseFloat(inputs.logBase.value);
      var base = Math.pow(10, logBase);
      show("base", String(Number(base.toPrecision(6))));

      var errors = [];
      var read = {};
      ["p", "k"].forEach(function (name) {
        var r = readInteger(inputs[name], LIMITS[name]);
        inputs[name].setAttribute("aria-invalid", r.error ? "true" : "false");
        if (r.error) errors.push(r.error);
        else read[name] = r.value;
      });
      if (message) message.textContent = errors.join(" ");
      root.dataset.error = errors.join(" ");
      if (errors.length) {
        // Keep the last valid picture, greyed out; never compute with a missing value.
        root.classList.add("pe-explorer--stale");
        show("dot", "—");
        show("dot0", "—");
        return;
      }
      root.classList.remove("pe-explorer--stale");
      var p = read.p, k = read.k;
      var w = frequencies(d, base);
      var score = dot(w, p, p + k);
      var score0 = dot(w, 0, k);
      root.dataset.d = d; root.dataset.base = base; root.dataset.p = p; root.dataset.k = k;
      root.dataset.dot = score; root.dataset.dot0 = score0;
      show("settings", "d = " + d + ", base = " + Number(base.toPrecision(6)) + ", p = " + p +
        ", k = " + k);
      show("dot", fmt(score, 12));
      show("dot0", fmt(score0, 12));
      show("longest", fmt(2 * Math.PI / w[w.length - 1], 8));

      var colour = colours(root);
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
        drawPair(canvas, p * w[i], (p + k) * w[i], colour);
        var caption = document.createElement("figcaption");
        caption.textContent = "pair " + i + " (columns " + 2 * i + ", " + (2 * i + 1) +
          "): ω = " + fmt(w[i], 4) + ", turned by k·ω = " + fmt(k * w[i], 4) + " rad";
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
    // Redraw in the new colours when the reader switches between light and dark.
    new MutationObserver(update).observe(document.body, {
      attributes: true, attributeFilter: ["data-md-color-scheme"]
    });
    update();
  }

  function init() {
    var root = document.getElementById("pe-explorer");
    if (root && !root.dataset.setup) {
      root.dataset.setup = "true";
      setup(root);
    }
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
