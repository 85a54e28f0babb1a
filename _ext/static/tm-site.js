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
  // Search results quote the pages' raw math (\\( W \\)): typeset each snippet as it appears.
  function typesetSearchResults() {
    var results = document.getElementById("search-results");
    if (!results || !window.MathJax) return;
    var pending = false;
    new MutationObserver(function () {
      if (pending || !window.MathJax.typesetPromise) return;
      pending = true;
      setTimeout(function () {
        pending = false;
        window.MathJax.typesetPromise([results]).catch(function () {});
      }, 200);
    }).observe(results, {childList: true, subtree: true});
  }
  function start() { setup(); typesetSearchResults(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
