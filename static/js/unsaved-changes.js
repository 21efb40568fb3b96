// Warn before leaving a change form with unsaved edits (the browser shows
// its own "Leave site?" dialog). Saving the form itself never warns.
(function () {
  "use strict";
  function watch(form) {
    let dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) { return; }
      event.preventDefault();
      event.returnValue = "";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    const form = document.querySelector("form#project_form");
    if (form) { watch(form); }
  });
}());
