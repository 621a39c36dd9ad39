/* paintrace: small enhancements shared by every page. Everything works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Copy the share link.
  function initCopy(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy"));
      var status = document.getElementById("copy-status");
      if (!input) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        function done(ok) {
          if (status) status.textContent = ok ? "Link copied." : "Select the link and copy it.";
        }
        input.select();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(function () { done(true); },
            function () { done(document.execCommand && document.execCommand("copy")); });
        } else {
          done(document.execCommand && document.execCommand("copy"));
        }
      });
    });
  }

  // After htmx swaps in the next interview step, move focus to its heading so that screen
  // readers start reading the new question (a full page load does this by itself).
  document.addEventListener("htmx:afterSettle", function () {
    var heading = document.querySelector("[data-focus]");
    if (heading) heading.focus({ preventScroll: false });
    initCopy(document);
  });

  ready(function () { initCopy(document); });
})();
