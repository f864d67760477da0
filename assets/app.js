// spro serve — optional comforts; the page works without this file (plain form POST).
// Drag and drop onto the file box, the size and number of files checked before sending,
// and a progress indication while the server checks.
"use strict";
document.querySelectorAll("form.depot").forEach(function (form) {
  var input = form.querySelector('input[type="file"]');
  var zone = form.querySelector(".zone");
  var etat = form.querySelector(".etat");
  var buttons = form.querySelectorAll('button[type="submit"]');
  var maxBytes = Number(form.dataset.maxBytes);
  var maxFiles = Number(form.dataset.maxFiles);
  form.querySelectorAll(".js-seul").forEach(function (el) { el.hidden = false; });

  function say(text, isError) {
    etat.textContent = text;
    etat.classList.toggle("erreur", Boolean(isError));
  }

  function problem() {
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length > maxFiles) return form.dataset.tooMany;
    var big = files.filter(function (f) { return f.size > maxBytes; });
    if (big.length) return form.dataset.tooBig + " — " + big.map(function (f) { return f.name; }).join(", ");
    return "";
  }

  if (zone && input) {
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("survol"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("survol"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        input.dispatchEvent(new Event("change"));
      }
    });
    input.addEventListener("change", function () { say(problem(), true); });
  }

  form.addEventListener("submit", function (e) {
    var p = problem();
    if (p) {
      e.preventDefault();
      say(p, true);
      input.focus();
      return;
    }
    say(form.dataset.checking, false);
    var bar = document.createElement("progress");
    bar.setAttribute("aria-label", form.dataset.checking);
    etat.appendChild(bar);
    // Disabled once the submission has taken the button pressed (its formaction).
    window.setTimeout(function () {
      buttons.forEach(function (b) { b.disabled = true; });
    }, 0);
    // A download (consolidation, synthesis) leaves the page in place: give the buttons back.
    window.setTimeout(function () {
      buttons.forEach(function (b) { b.disabled = false; });
    }, 15000);
  });
});
