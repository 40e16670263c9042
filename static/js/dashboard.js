// Dashboard behaviour: sortable tables and the print button. Loaded as a file (no inline
// scripts), so a strict Content-Security-Policy can forbid inline code.
(function () {
  "use strict";

  function sortBy(table, column, numeric, ascending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute("data-value") || "";
      var y = b.cells[column].getAttribute("data-value") || "";
      if (numeric) {
        if (x === "" && y === "") return 0;
        if (x === "") return 1; // no data sorts last either way
        if (y === "") return -1;
        return ascending ? x - y : y - x;
      }
      return ascending ? x.localeCompare(y, "vi") : y.localeCompare(x, "vi");
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    table.querySelectorAll("thead button[data-sort]").forEach(function (button, column) {
      button.addEventListener("click", function () {
        var ascending = button.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead button").forEach(function (other) {
          other.removeAttribute("aria-sort");
        });
        button.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sortBy(table, column, button.getAttribute("data-sort") === "number", ascending);
      });
    });
  });

  // Printed, the lists of units short of a target are open (the print style opens them
  // too, where the browser can); those the reader had closed close again afterwards.
  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    closedForPrint = Array.prototype.filter.call(
      document.querySelectorAll("details.short"), function (details) { return !details.open; });
    closedForPrint.forEach(function (details) { details.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (details) { details.open = false; });
    closedForPrint = [];
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
