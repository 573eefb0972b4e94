// The concept form's organisation finder: shown only with JavaScript (htmx fills its
// suggestions); "Add as lead/partner" appends the chosen name to that field, one per line.
(function () {
  "use strict";
  document.querySelectorAll("[data-org-finder]").forEach(function (finder) {
    var input = finder.querySelector("input[type=search]");
    var status = finder.querySelector("[data-org-status]");
    var form = finder.closest("form");
    finder.hidden = false;
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // never submits the concept
    });
    finder.querySelectorAll("[data-org-add]").forEach(function (button) {
      button.addEventListener("click", function () {
        var name = input.value.trim();
        var target = form.querySelector('[data-org-target="' + button.dataset.orgAdd + '"]');
        if (!name || !target) { return; }
        var lines = target.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
        if (lines.indexOf(name) === -1) { lines.push(name); }
        target.value = lines.join("\n");
        input.value = "";
        status.textContent = name + " → " + (button.textContent || "").trim();
        input.focus();
      });
    });
  });
})();
