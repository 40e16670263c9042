// Report status board: "select all submitted without warnings" ticks the boxes of the
// submitted reports on this page that had no warnings at their latest submission.
(function () {
  "use strict";

  document.querySelectorAll("[data-select-clean]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      button.form.querySelectorAll("input[data-clean]").forEach(function (box) {
        box.checked = true;
      });
    });
  });
})();
