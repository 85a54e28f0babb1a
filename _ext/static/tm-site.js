// The book's site script (added by _ext/site_tweaks.py to every page): figures open at full
// size on click, tap or Enter, in an overlay that scrolls on a phone and closes on click,
// tap or Escape.
(function () {
  "use strict";
  function close(overlay, opener) {
    overlay.remove();
    document.body.style.overflow = "";
    if (opener) opener.focus();
  }
  function open(img) {
    var overlay = document.createElement("div");
    overlay.className = "tm-zoom-overlay";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-label", "Figure at full size (click or press Escape to close)");
    overlay.tabIndex = -1;
    var big = document.createElement("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt;
    var cssWidth = parseFloat(img.style.width) || parseFloat(img.getAttribute("width")) || img.naturalWidth;
    big.style.width = Math.max(cssWidth, Math.min(window.innerWidth * 0.95, cssWidth * 1.6)) + "px";
    var hint = document.createElement("div");
    hint.className = "tm-zoom-hint";
    hint.textContent = "\u2715 close";
    overlay.appendChild(big);
    overlay.appendChild(hint);
    overlay.addEventListener("click", function () { close(overlay, img); });
    overlay.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { close(overlay, img); }
    });
    document.body.appendChild(overlay);
    document.body.style.overflow = "hidden";
    overlay.focus();
  }
  function setup() {
    var imgs = document.querySelectorAll("div.cell_output img");
    for (var i = 0; i < imgs.length; i++) {
      var img = imgs[i];
      if (img.closest(".tm-scrubber") || img.closest(".tm-browser-explorer")) continue;
      img.classList.add("tm-zoomable");
      img.tabIndex = 0;
      img.setAttribute("role", "button");
      img.setAttribute("title", "Show at full size");
      img.addEventListener("click", function (e) { e.preventDefault(); open(e.currentTarget); });
      img.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(e.currentTarget); }
      });
    }
  }
  // Search results quote the pages' raw math: typeset each snippet once the search has
  // written it (Sphinx creates #search-results after the page loads, so poll for a while).
  function typesetSearchResults() {
    if (!/search\.html$/.test(window.location.pathname)) return;
    var tries = 0, busy = false;
    var timer = setInterval(function () {
      tries += 1;
      if (tries > 120) { clearInterval(timer); return; }
      var results = document.getElementById("search-results");
      if (busy || !results || !window.MathJax || !window.MathJax.typesetPromise) return;
      var raw = results.querySelectorAll("p.context:not(.tm-typeset)");
      if (!raw.length) return;
      busy = true;
      for (var i = 0; i < raw.length; i++) { raw[i].classList.add("mathjax_process", "tm-typeset"); }
      window.MathJax.typesetPromise(Array.prototype.slice.call(raw))
        .catch(function () {})
        .then(function () { stripLeftovers(); busy = false; });
    }, 250);
  }
  // A snippet cut in the middle of a formula keeps a lone \\( or \\): drop the delimiter.
  function stripLeftovers() {
    var results = document.getElementById("search-results");
    if (!results) return;
    var walker = document.createTreeWalker(results, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      if (node.parentElement && node.parentElement.closest("mjx-container")) continue;
      if (/\\[()\[\]]/.test(node.nodeValue)) { node.nodeValue = node.nodeValue.replace(/\\[()\[\]]/g, ""); }
    }
  }
  function start() { setup(); typesetSearchResults(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
