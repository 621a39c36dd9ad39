/* Check-in: a ticked warning sign shows the stop banner at once (the server shows it too). */
(function () {
  "use strict";
  function update() {
    var banner = document.getElementById("flag-banner");
    if (!banner) return;
    var any = Array.prototype.some.call(document.querySelectorAll("[data-flag]"), function (box) {
      return box.checked;
    });
    banner.hidden = !any;
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.hasAttribute && event.target.hasAttribute("data-flag")) update();
  });
  if (document.readyState !== "loading") update();
  else document.addEventListener("DOMContentLoaded", update);
})();
