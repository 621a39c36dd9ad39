/* paintrace body map: tap or press Enter/Space on a region to toggle the chosen symptom.
   The checkboxes of the region list are the single source of truth: the picture only mirrors
   them, so the form posts the same data with or without this script.
   On the check-in (#checkin-form) the symptom is always pain and the brush is an intensity:
   each region also has a select "ri:<id>" (1-10) that a tap fills with the chosen number. */
(function () {
  "use strict";
  var SYMPTOMS = ["pain", "burning", "numbness", "tingling"];
  // With several symptoms a region shows one colour and pattern, in the order of paintrace.bodymap.
  var SHOWN_FIRST = ["pain", "burning", "tingling", "numbness"];
  var LABELS = { pain: "pain", burning: "burning", numbness: "numbness", tingling: "tingling" };

  function init() {
    var form = document.getElementById("drawing-form") || document.getElementById("checkin-form");
    var picture = document.getElementById("picture");
    if (!form || !picture) return;
    var status = document.getElementById("mark-status");
    var count = document.getElementById("mark-count");
    var brush = "pain";
    var names = {};

    function shapes(rid) {
      return picture.querySelectorAll('[data-region="' + rid + '"]');
    }
    function boxes(rid) {
      return form.querySelectorAll('input[type="checkbox"][name="r:' + rid + '"]');
    }
    function level() {
      var lv = form.querySelector('input[name="brush-level"]:checked');
      return lv ? lv.value : "";
    }
    function levelOf(rid) {
      return form.querySelector('select[name="ri:' + rid + '"]');
    }
    function strength(value) {
      var n = parseInt(value, 10);
      return !n ? "" : n >= 7 ? "lvl-strong" : n >= 4 ? "lvl-moderate" : "lvl-mild";
    }
    function symptomsOf(rid) {
      var on = [];
      boxes(rid).forEach(function (b) { if (b.checked) on.push(b.value); });
      return SYMPTOMS.filter(function (s) { return on.indexOf(s) >= 0; });
    }
    function paint(rid) {
      var syms = symptomsOf(rid);
      var select = levelOf(rid);
      var value = select && syms.length ? select.value : "";
      shapes(rid).forEach(function (el) {
        var cls = el.getAttribute("class").split(/\s+/).filter(function (c) {
          return c && c !== "marked" && c !== "multi" && c.indexOf("sym-") !== 0 &&
            c.indexOf("lvl-") !== 0;
        });
        if (syms.length) cls.push("marked");
        syms.forEach(function (s) { cls.push("sym-" + s); });
        if (syms.length > 1) cls.push("multi");
        if (strength(value)) cls.push(strength(value));
        el.setAttribute("class", cls.join(" "));
        // Each view carries one pattern per symptom (colour and marks: WCAG 1.4.1).
        var shown = SHOWN_FIRST.filter(function (s) { return syms.indexOf(s) >= 0; })[0];
        var svg = el.ownerSVGElement;
        var pattern = shown && svg && svg.querySelector('pattern[data-symptom="' + shown + '"]');
        if (pattern) el.setAttribute("fill", "url(#" + pattern.id + ")");
        else el.removeAttribute("fill");
        el.setAttribute("aria-pressed", syms.indexOf(brush) >= 0 ? "true" : "false");
        el.setAttribute("aria-label", names[rid] + (syms.length ? ": " + syms.map(function (s) {
          return LABELS[s];
        }).join(", ") + (value ? " " + value + " out of 10" : "") : ""));
      });
    }
    function allRegions() {
      return Object.keys(names);
    }
    function updateTabs() {
      var tabs = document.getElementById("view-tabs");
      if (!tabs) return;
      tabs.querySelectorAll("button[data-view]").forEach(function (b) {
        var view = b.getAttribute("data-view");
        var label = b.getAttribute("data-label") || b.textContent;
        b.setAttribute("data-label", label);
        var marked = {};
        picture.querySelectorAll(".bodymap-view-" + view + " [data-region].marked")
          .forEach(function (el) { marked[el.getAttribute("data-region")] = true; });
        var n = Object.keys(marked).length;
        b.textContent = label;
        if (n) {
          var badge = document.createElement("span");
          badge.className = "tab-count";
          badge.textContent = String(n);
          var hint = document.createElement("span");
          hint.className = "vh";
          hint.textContent = " marked";
          badge.appendChild(hint);
          b.appendChild(document.createTextNode(" "));
          b.appendChild(badge);
        }
      });
    }
    function updateCount() {
      var n = 0;
      updateTabs();
      allRegions().forEach(function (rid) { if (symptomsOf(rid).length) n += 1; });
      count.textContent = n === 0 ? "Nothing marked yet." :
        n === 1 ? "You have marked 1 place." : "You have marked " + n + " places.";
    }
    function announce(text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 30);
    }
    function toggle(rid) {
      var box = form.querySelector('input[type="checkbox"][name="r:' + rid + '"][value="' + brush + '"]');
      if (!box) return;
      box.checked = !box.checked;
      var select = levelOf(rid);
      if (select) select.value = box.checked ? level() : "";
      paint(rid);
      updateCount();
      announce((box.checked ? "Marked " : "Removed ") + LABELS[brush] +
        (select && box.checked && select.value ? " " + select.value + " out of 10" : "") +
        ": " + names[rid] + ".");
    }

    // The server sends plain shapes, parts of an image (without this script a tap would do
    // nothing): each view becomes a group and each region a named toggle button in the Tab order.
    picture.querySelectorAll("svg.bodymap-svg").forEach(function (svg) {
      svg.setAttribute("role", "group");
    });
    picture.querySelectorAll("[data-region]").forEach(function (el) {
      var rid = el.getAttribute("data-region");
      if (!names[rid]) names[rid] = el.getAttribute("data-name") || rid;
      el.setAttribute("aria-label", names[rid]);
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "button");
      el.setAttribute("aria-pressed", "false");
    });

    picture.addEventListener("click", function (event) {
      var el = event.target.closest ? event.target.closest("[data-region]") : null;
      if (el) toggle(el.getAttribute("data-region"));
    });
    picture.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " " && event.key !== "Spacebar") return;
      var el = event.target.closest ? event.target.closest("[data-region]") : null;
      if (!el) return;
      event.preventDefault();
      toggle(el.getAttribute("data-region"));
    });
    form.addEventListener("change", function (event) {
      var t = event.target;
      if (t.type === "checkbox" && t.name.indexOf("r:") === 0) {
        var select = levelOf(t.name.slice(2));
        if (select) select.value = t.checked ? select.value || level() : "";
        paint(t.name.slice(2));
        updateCount();
      } else if (t.tagName === "SELECT" && t.name.indexOf("ri:") === 0) {
        var rid = t.name.slice(3);
        boxes(rid).forEach(function (b) { b.checked = t.value !== ""; });
        paint(rid);
        updateCount();
      } else if (t.name === "brush") {
        brush = t.value;
        document.getElementById("brush-tip").textContent = "Tap each place where you feel " +
          LABELS[brush] + ". Tap again to remove it.";
        allRegions().forEach(paint);
      }
    });
    var checked = form.querySelector('input[name="brush"]:checked');
    if (checked) brush = checked.value;

    ["brush", "brush-help", "mark-bar"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.hidden = false;
    });
    document.getElementById("clear-all").addEventListener("click", function () {
      form.querySelectorAll('input[type="checkbox"][name^="r:"]').forEach(function (b) {
        b.checked = false;
      });
      form.querySelectorAll('select[name^="ri:"]').forEach(function (s) { s.value = ""; });
      allRegions().forEach(paint);
      updateCount();
      announce("All marks cleared.");
    });

    // One view at a time on narrow screens.
    var tabs = document.getElementById("view-tabs");
    var map = picture.querySelector(".bodymap");
    if (tabs && map) {
      tabs.hidden = false;
      map.classList.add("tabbed");
      var buttons = Array.prototype.slice.call(tabs.querySelectorAll("button[data-view]"));
      var show = function (view) {
        buttons.forEach(function (b) {
          var on = b.getAttribute("data-view") === view;
          // Every button stays a Tab stop: a plain group of toggle buttons gives no hint that
          // arrow keys would reach the others (they still do, as a shortcut).
          b.setAttribute("aria-pressed", on ? "true" : "false");
        });
        map.querySelectorAll(".bodymap-view").forEach(function (fig) {
          fig.classList.toggle("is-current", fig.classList.contains("bodymap-view-" + view));
        });
      };
      tabs.addEventListener("click", function (event) {
        var b = event.target.closest("button[data-view]");
        if (b) show(b.getAttribute("data-view"));
      });
      tabs.addEventListener("keydown", function (event) {
        var i = buttons.indexOf(document.activeElement);
        if (i < 0) return;
        var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
        var to = step ? (i + step + buttons.length) % buttons.length :
          event.key === "Home" ? 0 : event.key === "End" ? buttons.length - 1 : -1;
        if (to < 0) return;
        event.preventDefault();
        show(buttons[to].getAttribute("data-view"));
        buttons[to].focus();
      });
      show("back"); // sciatica is mostly drawn on the back view
    }

    // The list: searchable, and folded away when the picture can be used.
    var list = document.getElementById("region-list");
    var search = document.getElementById("region-search");
    var searchBox = document.getElementById("search");
    var searchCount = document.getElementById("search-count");
    if (list && !form.querySelector(".error-summary")) list.open = false;
    if (search && searchBox) {
      searchBox.hidden = false;
      var rows = Array.prototype.slice.call(list.querySelectorAll(".rg"));
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
      search.addEventListener("input", function () {
        var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        rows.forEach(function (row) {
          var text = row.getAttribute("data-q");
          var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
          row.hidden = !hit;
          if (hit) shown += 1;
        });
        list.querySelectorAll("[data-side]").forEach(function (side) {
          side.hidden = !side.querySelector(".rg:not([hidden])");
        });
        list.querySelectorAll("[data-area]").forEach(function (area) {
          area.hidden = !area.querySelector(".rg:not([hidden])");
        });
        searchCount.textContent = !words.length ? "" : shown === 0 ?
          "No place matches \u201c" + search.value.trim() + "\u201d." :
          shown === 1 ? "1 place matches." : shown + " places match.";
      });
    }

    allRegions().forEach(paint);
    updateCount();
  }

  if (document.readyState !== "loading") init();
  else document.addEventListener("DOMContentLoaded", init);
})();
