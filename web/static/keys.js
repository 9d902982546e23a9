// One-key decisions on a case page: c confirm, d dismiss, e escalate, s skip, n note.
// The page works without this file: the keys press the form's own buttons and link.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
      return;
    }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT") {
      if (event.key === "Escape") {
        target.blur();
      }
      return;
    }
    var key = (event.key || "").toLowerCase();
    if (!/^[a-z]$/.test(key)) {
      return;
    }
    if (key === "n") {
      var note = document.getElementById("note");
      if (note) {
        event.preventDefault();
        note.focus();
      }
      return;
    }
    var control = document.querySelector('[data-key="' + key + '"]');
    if (!control || control.disabled) {
      return;
    }
    event.preventDefault();
    control.click();
  });
})();
