// Events pages, progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  function init(root) {
    // "Print" buttons exist only where printing makes sense (ticket, catalogue); hidden without JS.
    root.querySelectorAll("button[data-print]").forEach(function (el) {
      el.hidden = false;
      el.addEventListener("click", function () { window.print(); });
    });
    // The personal feed address: select it all on focus so it is easy to copy.
    root.querySelectorAll("input.copy-field").forEach(function (el) {
      el.addEventListener("focus", function () { el.select(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
