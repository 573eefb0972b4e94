/*
 * Werkstatt's small site script, loaded with defer on every page (no inline script: strict CSP).
 * - htmx requests carry the CSRF token from <meta name="csrf-token">.
 * - The site menu (<details>) stays open on wide screens in browsers without ::details-content.
 * - A form's error summary takes the focus so screen readers announce it first.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  function keepMenuOpenOnWideScreens() {
    var menu = document.querySelector(".site-menu");
    if (!menu || !window.matchMedia) {
      return;
    }
    var supportsDetailsContent =
      window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    if (supportsDetailsContent) {
      return;
    }
    var wide = window.matchMedia("(min-width: 60em)");
    function apply() {
      if (wide.matches) {
        menu.setAttribute("open", "");
        menu.classList.add("site-menu--static");
      } else {
        menu.classList.remove("site-menu--static");
      }
    }
    apply();
    if (wide.addEventListener) {
      wide.addEventListener("change", apply);
    }
  }

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  function init() {
    keepMenuOpenOnWideScreens();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
