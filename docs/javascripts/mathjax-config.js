// MathJax 3 settings for pymdownx.arithmatex (generic mode): typeset only the spans and divs
// that arithmatex marks, using the \( \) and \[ \] delimiters it writes.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "none"
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex"
  }
};

// Each page is typeset once, by MathJax's own startup. Material's document$ also emits on the
// page load; typesetting again then would typeset MathJax's own output. Later emissions come
// only with instant navigation (off here: the site must work from file://), which swaps the
// page body without a reload; that body is typeset afresh.
if (typeof document$ !== "undefined") {
  var posencFirstPage = true;
  document$.subscribe(function () {
    // The first emission is the page load itself: MathJax's startup typesets it.
    if (posencFirstPage) {
      posencFirstPage = false;
      return;
    }
    if (!window.MathJax || typeof MathJax.typesetPromise !== "function") return;
    var output = MathJax.startup && MathJax.startup.output;
    if (output && typeof output.clearCache === "function") output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    MathJax.typesetPromise().catch(function (err) {
      console.error("MathJax typeset failed:", err);
    });
  });
}
