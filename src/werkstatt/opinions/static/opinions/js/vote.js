/*
 * Voting one statement at a time (opinions app), loaded with defer: once htmx has swapped in
 * the next statement and settled it, move the keyboard focus to it so that a screen reader reads
 * it and the buttons are one Tab away. Not at afterSwap: htmx makes the new form's hx-post live
 * only when it settles (20 ms later), and a quick Enter in between posted the form without htmx. The result of the vote is announced by the live region
 * #vote-status (filled by the server's out-of-band swap). Without JavaScript the forms post
 * normally and the page reloads at #abstimmen.
 */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    var card = document.getElementById("vote-card");
    if (!card || !event.detail || !event.detail.target) {
      return;
    }
    if (event.detail.target.id !== "vote-card" && !card.contains(event.detail.target)) {
      return;
    }
    var alert = card.querySelector("[role=alert]");
    if (alert) {
      alert.setAttribute("tabindex", "-1");
      alert.focus();
      return;
    }
    var next = document.getElementById("current-statement");
    if (next) {
      next.focus();
    }
  });

  // Our 400 answers carry the card with the message (a vote that was refused): swap it in
  // like a success, then focus the message.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status === 400 && document.getElementById("vote-card")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Anything else that fails (server error, no network): say so in the live region.
  document.addEventListener("htmx:responseError", function () {
    var status = document.getElementById("vote-status");
    if (status) {
      status.textContent = status.getAttribute("data-error") || "";
    }
  });
  document.addEventListener("htmx:sendError", function () {
    var status = document.getElementById("vote-status");
    if (status) {
      status.textContent = status.getAttribute("data-error") || "";
    }
  });
})();
