/* The device's time zone, so that the journal's days are the person's days. Sign-up sends it
   in a hidden field; the time zone page offers it when it differs from the one chosen. Loaded
   only by those two pages. Without it sign-up takes the site's default zone, and the page
   shows the list alone. */
(function () {
  "use strict";

  function deviceZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return "";
    }
  }

  function init() {
    var zone = deviceZone();
    if (!zone) return;
    document.querySelectorAll("input[data-time-zone]").forEach(function (input) {
      if (!input.value) input.value = zone;
    });
    var offer = document.querySelector("[data-device-zone]");
    var select = document.querySelector("select[name=time_zone]");
    if (!offer || !select || select.value === zone) return;
    // The list's own option names the zone as the server words it ("America/Los Angeles").
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
    if (!option) return;
    offer.querySelector("strong").textContent = option.textContent;
    offer.querySelector("button").addEventListener("click", function () {
      select.value = zone;
      select.focus();
    });
    offer.hidden = false;
  }

  if (document.readyState !== "loading") init();
  else document.addEventListener("DOMContentLoaded", init);
})();
