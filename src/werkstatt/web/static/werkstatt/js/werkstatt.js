/*
 * Werkstatt's small site script, loaded with defer on every page (no inline script: strict CSP).
 * - htmx requests carry the CSRF token from <meta name="csrf-token">.
 * - The site menu (<details>) stays open on wide screens in browsers without ::details-content.
 * - Open disclosures of the header (the menu, the account menu) close with Escape (the focus
 *   goes back to their toggle), by a click elsewhere, and when the focus leaves them.
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

  function headerDisclosures() {
    return Array.prototype.filter.call(
      document.querySelectorAll(".site-header details[open]"),
      function (details) {
        // The wide screens' menu is no disclosure: it is always shown.
        var summary = details.querySelector("summary");
        return summary && summary.offsetParent !== null;
      }
    );
  }

  function closeHeaderDisclosuresOnEscapeAndOutside() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      headerDisclosures().forEach(function (details) {
        if (details.contains(document.activeElement)) {
          details.removeAttribute("open");
          details.querySelector("summary").focus();
        }
      });
    });
    document.addEventListener("click", function (event) {
      headerDisclosures().forEach(function (details) {
        if (!details.contains(event.target)) {
          details.removeAttribute("open");
        }
      });
    });
    document.addEventListener("focusin", function (event) {
      headerDisclosures().forEach(function (details) {
        if (details.classList.contains("account-menu") && !details.contains(event.target)) {
          details.removeAttribute("open");
        }
      });
    });
  }

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  function init() {
    keepMenuOpenOnWideScreens();
    closeHeaderDisclosuresOnEscapeAndOutside();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
