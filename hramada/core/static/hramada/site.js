// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // Phones: the main menu folds behind a "Menu" button (site.css shows the button only on a narrow
  // screen with this script running; without it the menu is always open).
  function initMenu() {
    var toggle = document.querySelector(".menu-toggle");
    var nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav) { return; }
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    });
  }
  function init(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    // Place pickers: reveal the type-ahead box that refills the select through htmx.
    root.querySelectorAll("[data-picker-search]").forEach(function (el) { el.hidden = false; });
    // Once per form: htmx:load also fires for the whole page, and a second listener asked twice (a
    // second "Cancel" refused what the first "OK" had accepted).
    root.querySelectorAll("[data-confirm]:not([data-confirm-ready])").forEach(function (el) {
      el.setAttribute("data-confirm-ready", "");
      el.addEventListener("submit", function (ev) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initMenu(); init(document); });
  document.addEventListener("htmx:load", function (ev) { init(ev.target); });
})();
