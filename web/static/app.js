// Lexwatch's only script: a button that starts a slow action ("Test before saving" runs a
// real crawl) says so and cannot be pressed twice. Pages work the same without it.
"use strict";
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  if (!button || !button.dataset.busy) { return; }
  var hidden = document.createElement("input");
  hidden.type = "hidden";
  hidden.name = button.name;
  hidden.value = button.value;
  event.target.appendChild(hidden);  // a disabled button is not submitted: keep its value
  window.setTimeout(function () { button.disabled = true; button.textContent = button.dataset.busy; }, 0);
});
