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

  // A form sent back with its errors (the title then starts "Error: "): start at the error
  // summary, so screen readers read what to fix and keyboard users Tab on to its links. A page
  // load alone would leave focus at the top and say nothing of the errors.
  function focusErrors() {
    return focusOn(document.querySelector(".error-summary"));
  }

  // Focus an element that is not a control (a summary, a heading, a message), making it
  // focusable from script only; false if there is none.
  function focusOn(el) {
    if (!el) return false;
    if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: false });
    return true;
  }

  // After htmx swaps in the next interview step, move focus to its errors or else its heading
  // so that screen readers start reading the new question (a full page load does not). A page
  // that is not a step (the server refused the form: it expired, too many requests) starts at
  // its main heading.
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusErrors()) {
      focusOn(document.querySelector("[data-focus]") || document.querySelector("main h1"));
    }
    initCopy(document);
  });

  // No answer at all (offline, the server down): say so above the form, rather than leave a
  // button that does nothing. Sending again works as before; the next page replaces this.
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.target;
    var box = document.getElementById("send-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "send-error";
      box.className = "error-summary";
      box.setAttribute("role", "alert");
      var heading = document.createElement("h2");
      heading.textContent = "This was not sent";
      var text = document.createElement("p");
      text.textContent =
        "We could not reach the server. Check your internet connection, then try again.";
      box.appendChild(heading);
      box.appendChild(text);
      form.parentNode.insertBefore(box, form);
    }
    focusOn(box);
  });

  // Skip links to a control: focus the first visible match of data-skip-to (the view tabs on a
  // phone, the first region of the body map on a wide screen, the Continue button). Without
  // this script the link still scrolls to its target.
  function initSkipLinks(root) {
    root.querySelectorAll("a[data-skip-to]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var found = Array.prototype.slice.call(
          document.querySelectorAll(link.getAttribute("data-skip-to"))
        ).filter(function (el) { return el.getClientRects().length > 0; })[0];
        if (!found) return;
        event.preventDefault();
        found.focus();
        if (found.scrollIntoView) found.scrollIntoView({ block: "center" });
      });
    });
  }

  // A page reached by a redirect after a form ("Check-in saved", "Saved to your account")
  // starts at that message: a status region filled before the page loads is not read out, and
  // focus at the top would leave the outcome unsaid. Errors come first.
  ready(function () {
    initCopy(document);
    initSkipLinks(document);
    if (!focusErrors()) focusOn(document.querySelector(".messages"));
  });
})();
