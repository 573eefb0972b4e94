// The comparison page (assessment app), loaded with defer.
// - Keys: 1 = the first, 2 = the second, 0 = can't decide.
// - After htmx has swapped in the next pair, the focus moves to its heading ("Pair 3 of 6"), so
//   that Tab reaches the first answer button next (not the page's footer) and a screen reader
//   reads where it is; what was saved is announced by the live region #pair-status (filled by
//   the server's out-of-band swap), not by re-reading the whole pair. A refused answer (400)
//   is swapped in like a success and its message focused.
// The buttons work without this (and without JavaScript at all: the form posts normally).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var button = document.querySelector('#pair button[data-key="' + event.key + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var pair = document.getElementById("pair");
    if (!pair || !event.detail || event.detail.target !== pair) return;
    var next = pair.querySelector("[role=alert]") || document.getElementById("pair-heading");
    if (next) next.focus();
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status === 400 && event.detail.target && event.detail.target.id === "pair") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function failed() {
    var status = document.getElementById("pair-status");
    if (status && document.getElementById("pair")) status.textContent = status.getAttribute("data-error") || "";
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
})();
