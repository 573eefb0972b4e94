// Filters long checkbox lists (the capability tree): typing hides options whose label does
// not contain the text, and groups with no visible option. Works without JS as a plain list.
(function () {
  "use strict";
  function fold(text) {
    return text.toLowerCase().replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss");
  }
  function apply(scope, input) {
    var needle = fold(input.value.trim());
    scope.querySelectorAll("[data-filter-group]").forEach(function (group) {
      var legend = group.querySelector("legend");
      var groupMatches = needle && legend && fold(legend.textContent).indexOf(needle) !== -1;
      var visible = 0;
      group.querySelectorAll("[data-filter-item]").forEach(function (item) {
        var input = item.querySelector("input");
        var show = !needle || groupMatches || fold(item.textContent).indexOf(needle) !== -1 ||
          (input && input.checked);
        item.hidden = !show;
        if (show) { visible += 1; }
      });
      group.hidden = visible === 0;
    });
  }
  document.querySelectorAll("[data-filter-scope]").forEach(function (scope) {
    var input = scope.querySelector("[data-filter-input]");
    if (!input) { return; }
    input.addEventListener("input", function () { apply(scope, input); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  });
})();
