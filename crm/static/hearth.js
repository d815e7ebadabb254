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
})();
