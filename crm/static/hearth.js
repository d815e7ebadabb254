// Small enhancements; every page works without them.
(function () {
  "use strict";
  // A household record shows only the fields its kind takes ("Training hours" for
  // training, the review's outcome for a review). Hidden fields are disabled so a value
  // left in one is not sent with a record of another kind.
  document.querySelectorAll("select[name=kind]").forEach(function (kind) {
    var form = kind.form;
    var parts = form.querySelectorAll("[data-for-kinds]");
    if (!parts.length) return;
    function show() {
      parts.forEach(function (part) {
        var wanted = part.dataset.forKinds.split(" ").indexOf(kind.value) !== -1;
        part.hidden = !wanted;
        part.querySelectorAll("input, select, textarea").forEach(function (input) {
          input.disabled = !wanted;
        });
      });
    }
    kind.addEventListener("change", show);
    show();
  });

  // On a phone, a table wider than the screen is read row by row: each cell is labelled
  // with its column's heading (hearth.css lays such a table out as one block per row), so
  // the last column (a sufficiency gap, a household's vacancies) is never off-screen.
  function stackWideTables() {
    document.querySelectorAll("main table.table").forEach(function (table) {
      var headings = Array.prototype.map.call(
        table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      if (!headings.length) return;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (headings[index] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", headings[index]);
          }
        });
      });
      table.classList.remove("table-stacked");
      // A table in a scrolling box (the dashboard's) scrolls within it; the page does not.
      if (table.closest(".table-responsive")) return;
      var room = table.parentElement.clientWidth;
      if (window.matchMedia("(max-width: 575.98px)").matches && table.scrollWidth > room + 1) {
        table.classList.add("table-stacked");
      }
    });
  }
  stackWideTables();

  // After a form is refused, focus goes to the summary of what to put right, so a screen
  // reader reads it and a keyboard user starts from its links (GOV.UK's error summary).
  // On a page of several forms, the refused one is the section the address points at.
  function focusSummary() {
    var section = null;
    try { section = location.hash && document.querySelector(location.hash); } catch (e) {}
    var summary = (section && section.querySelector(".error-summary")) ||
      document.querySelector(".error-summary");
    if (summary) summary.focus();
  }
  focusSummary();
  window.addEventListener("load", focusSummary);  // after the browser's own jump to #section
  window.addEventListener("resize", stackWideTables);
})();
