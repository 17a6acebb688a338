// posenc: small fixes to Material's behaviour, with no library and no network.
//
// 1. Copy buttons copy runnable code. An interactive example (">>> x", output lines) is copied
//    without the prompts and without the output, so that it can be pasted into a file or a
//    plain Python prompt; a shell example ("$ cmd") loses its "$ ". Material copies the text of
//    the nearest [data-copy] attribute when there is one, so this only sets that attribute.
// 2. Search highlighting skips single letters and common words. The landing page of a search
//    result highlights the search terms; for "which i" that marked every letter i of the page.
(function () {
  "use strict";

  var PROMPTS = /^(>>> ?|\.\.\. ?|\$ )/;

  function runnableCode(code) {
    // Mark where each prompt begins, then keep the marked lines without their prompt.
    var copy = code.cloneNode(true);
    var prompts = copy.querySelectorAll(".gp");
    if (!prompts.length) return null;
    prompts.forEach(function (gp) { gp.textContent = "\u0000" + gp.textContent; });
    var lines = copy.textContent.split("\n").filter(function (line) {
      return line.charAt(0) === "\u0000";
    });
    return lines.map(function (line) { return line.slice(1).replace(PROMPTS, ""); }).join("\n");
  }

  function markCopyText(root) {
    root.querySelectorAll(".highlight pre > code").forEach(function (code) {
      var pre = code.parentElement;
      if (pre.hasAttribute("data-copy")) return;
      var text = runnableCode(code);
      if (text !== null) pre.setAttribute("data-copy", text);
    });
  }

  // Words that lunr's English pipeline leaves out of the index: highlighting them marks text
  // that the search never matched.
  var STOP = ("a able about across after all almost also am among an and any are as at be " +
    "because been but by can cannot could dear did do does either else ever every for from get " +
    "got had has have he her hers him his how however i if in into is it its just least let like " +
    "likely may me might most must my neither no nor not of off often on only or other our own " +
    "rather said say says she should since so some than that the their them then there these " +
    "they this tis to too twas us wants was we were what when where which while who whom why " +
    "will with would yet you your").split(" ");

  function cleanHighlight(link) {
    var url;
    try { url = new URL(link.href); } catch (e) { return; }
    var terms = url.searchParams.get("h");
    if (terms === null) return;
    var kept = terms.split(/\s+/).filter(function (t) {
      return t.length > 1 && STOP.indexOf(t.toLowerCase()) < 0;
    });
    if (kept.join(" ") === terms) return;
    if (kept.length) url.searchParams.set("h", kept.join(" "));
    else url.searchParams.delete("h");
    link.href = url.href;
  }

  function watchSearchResults() {
    var list = document.querySelector(".md-search-result__list");
    if (!list || list.dataset.posencWatched) return;
    list.dataset.posencWatched = "true";
    new MutationObserver(function () {
      list.querySelectorAll("a.md-search-result__link").forEach(cleanHighlight);
    }).observe(list, { childList: true, subtree: true });
  }

  function init() {
    markCopyText(document);
    watchSearchResults();
  }

  if (typeof document$ !== "undefined") document$.subscribe(init);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
