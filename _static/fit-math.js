// Shrink each display equation wider than the text column until it fits (MathJax 3 does not
// break lines). Runs after MathJax has typeset the page, and again when the window resizes.
(function () {
  "use strict";
  var MIN_SCALE = 0.5;  // below half size a formula is unreadable: let it scroll instead

  function fit() {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (box) {
      // MathJax sets its own size on the container (matching the text's x-height): scale that.
      if (box.dataset.size0 === undefined) { box.dataset.size0 = box.style.fontSize || "100%"; }
      var size0 = parseFloat(box.dataset.size0);
      box.style.fontSize = box.dataset.size0;
      var math = box.firstElementChild;
      if (!math) { return; }
      var available = box.clientWidth, needed = math.getBoundingClientRect().width;
      if (available > 0 && needed > available) {
        var scale = Math.max(MIN_SCALE, available / needed * 0.98);
        box.style.fontSize = (size0 * scale).toFixed(1) + "%";
        box.dataset.fitted = scale.toFixed(3);
      }
    });
  }

  function whenTypeset() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(fit);
    } else {
      setTimeout(whenTypeset, 200);
    }
  }

  window.addEventListener("load", whenTypeset);
  window.addEventListener("resize", fit);
})();
