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

// Material's instant navigation swaps the page body without a reload, so typeset again each
// time a page is shown. Guarded: MathJax may not have finished loading on the first event.
if (typeof document$ !== "undefined") {
  document$.subscribe(function () {
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
