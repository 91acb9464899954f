// Small, progressive additions on top of plain HTML forms. No inline scripts (CSP).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) { return; }
    // Validation errors come back as 422 with the form re-rendered: swap them like a success.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true },
      { code: "[45]..", swap: false, error: true },
    ];
  });
  // Other errors (403, 404, 409, 500, lost connection) go to one visible message box.
  function showError(text) {
    var box = document.getElementById("htmx-error");
    if (!box) { return; }
    box.textContent = text;
    box.hidden = false;
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var holder = document.createElement("div");
    holder.innerHTML = xhr.responseText || "";
    var message = holder.querySelector("[data-status]");
    showError(message ? message.textContent : (document.body.dataset.errorText || "Error") + " (" + xhr.status + ")");
  });
  // An edit that lost the race against another save (409) comes back as its form with the
  // message and the user's typing: swap it where the form asks for that, instead of the box.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var source = detail.requestConfig && detail.requestConfig.elt;
    if (detail.xhr.status === 409 && source && source.closest && source.closest("[data-swap-conflict]")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });
  // The projector board's "Layar penuh": the browser's full screen, where it is allowed.
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-fullscreen]");
    if (!button || !document.fullscreenEnabled) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); } else { document.documentElement.requestFullscreen(); }
    });
  });
  document.addEventListener("htmx:sendError", function () {
    showError(document.body.dataset.offlineText || "Offline");
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("htmx-error");
    if (box) { box.hidden = true; }
  });
})();
