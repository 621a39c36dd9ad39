/* paintrace guided session: one step at a time, with a countdown for each hold.
   Progressive enhancement: without this file the page is a plain checklist of the routine.
   Data comes from the <script type="application/json" id="session-data"> block (not executed).
   ?speed=N runs the clock N times faster (for tests and demonstrations). */
(function () {
  "use strict";

  var RING = 326.73; // 2 * pi * 52, the ring's circumference in the SVG
  var TICK_MS = 100;
  var WARN_AT = 10; // announce "10 seconds left" on holds longer than WARN_AT + 5 seconds

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function byId(id) { return document.getElementById(id); }

  function speedFactor() {
    var raw = new URLSearchParams(window.location.search).get("speed");
    var n = raw ? parseFloat(raw) : 1;
    if (!isFinite(n) || n < 1) return 1;
    return Math.min(n, 1000);
  }

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  function spoken(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    if (s < 120) return s + (s === 1 ? " second" : " seconds");
    var m = Math.floor(s / 60);
    var r = s % 60;
    var parts = [];
    if (m) parts.push(m + (m === 1 ? " minute" : " minutes"));
    if (r || !m) parts.push(r + (r === 1 ? " second" : " seconds"));
    return parts.join(" ");
  }

  function fill(list, items) {
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    });
  }

  // "<span class=plan-label>Label</span> text" in a paragraph, hidden when there is no text.
  function labelled(node, label, text) {
    while (node.firstChild) node.removeChild(node.firstChild);
    node.hidden = !text;
    if (!text) return;
    var span = document.createElement("span");
    span.className = "plan-label";
    span.textContent = label;
    node.appendChild(span);
    node.appendChild(document.createTextNode(text));
  }

  function describe(step) {
    return step.title + ", " + step.side.toLowerCase() + ", " + step.part.toLowerCase();
  }

  // ---------------------------------------------------------------- sound (off by default)

  var audio = null;

  function beep(frequency, length) {
    if (!audio) return;
    try {
      var t = audio.currentTime;
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + length);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(t);
      osc.stop(t + length + 0.05);
    } catch (e) { /* no sound is never an error */ }
  }

  // ---------------------------------------------------------------- keep the screen on

  var wakeLock = null;

  function keepAwake(on) {
    if (!("wakeLock" in navigator)) return;
    if (on && !wakeLock && document.visibilityState === "visible") {
      navigator.wakeLock.request("screen").then(function (lock) {
        wakeLock = lock;
        lock.addEventListener("release", function () { wakeLock = null; });
      }, function () { /* not allowed: fine */ });
    } else if (!on && wakeLock) {
      wakeLock.release();
      wakeLock = null;
    }
  }

  // ---------------------------------------------------------------- the player

  function start(data) {
    var steps = data.steps;
    var techniques = data.techniques;
    var speed = speedFactor();
    var el = {
      player: byId("player"),
      count: byId("player-count"),
      phase: byId("player-phase"),
      title: byId("player-title"),
      figure: byId("player-figure"),
      clock: byId("player-clock"),
      state: byId("player-state"),
      ring: byId("ring-bar"),
      live: byId("player-live"),
      toggle: byId("player-toggle"),
      back: byId("player-back"),
      skip: byId("player-skip"),
      sound: byId("player-sound"),
      next: byId("player-next"),
      landmark: byId("player-landmark"),
      position: byId("player-position"),
      how: byId("player-steps"),
      find: byId("player-find"),
      findList: byId("player-find-list"),
      stopBox: byId("player-stop-box"),
      stop: byId("player-stop"),
      finish: document.querySelector("[data-finish]"),
      finishHeading: byId("finish-heading"),
      list: byId("routine-list")
    };
    if (!el.player || !el.toggle || !steps.length) return;

    // index: the current step; phase: "ready" (not started), "hold" or "rest" (before the
    // hold, moving to the next point or position); running: the clock is going.
    var state = { index: 0, phase: "ready", running: false, total: 0, left: 0, endAt: 0,
                  warned: false, timer: null };

    function announce(text) {
      el.live.textContent = text;
    }

    function remaining() {
      if (!state.running) return state.left;
      return Math.max(0, (state.endAt - performance.now()) * speed / 1000);
    }

    function paint() {
      var left = remaining();
      el.clock.textContent = clock(left);
      var done = state.total > 0 ? 1 - left / state.total : 0;
      el.ring.setAttribute("stroke-dashoffset", (RING * Math.min(1, Math.max(0, done))).toFixed(2));
      el.ring.setAttribute("class", "ring-bar" + (state.phase === "rest" ? " is-rest" : ""));
      var label = state.phase === "rest" ? "Get ready" : state.phase === "hold" ? "Hold" : "Ready";
      if (!state.running && state.phase !== "ready") label = "Paused";
      el.state.textContent = label;
      el.toggle.textContent = state.running ? "Pause" : state.phase === "ready" ? "Start" : "Resume";
    }

    function markList() {
      if (!el.list) return;
      Array.prototype.forEach.call(el.list.children, function (li, i) {
        if (i === state.index) li.setAttribute("aria-current", "step");
        else li.removeAttribute("aria-current");
      });
    }

    function tick(i) {
      if (!el.list || !el.list.children[i]) return;
      var box = el.list.children[i].querySelector("input[type=checkbox]");
      if (box) box.checked = true;
    }

    function show() {
      var step = steps[state.index];
      var tech = techniques[step.tech] || {};
      el.count.textContent = "Step " + step.n + " of " + steps.length;
      var where = byId("player-where");
      if (where) {
        where.textContent = step.where || "";
        // A new step must look new even when the title stays the same (the next point of the
        // same muscle): flash the line that changed. Reduced motion: a plain outline instead.
        where.classList.remove("is-new");
        void where.offsetWidth;
        where.classList.add("is-new");
      }
      if (el.list) {
        Array.prototype.forEach.call(el.list.children, function (li, i) {
          li.classList.toggle("is-current", i === state.index);
        });
      }
      el.phase.textContent = step.kind + " · " + step.side + " · " + step.part;
      el.title.textContent = step.title;
      if (tech.figure) {
        if (el.figure.getAttribute("src") !== tech.figure) el.figure.setAttribute("src", tech.figure);
        el.figure.setAttribute("alt", tech.alt || "");
        el.figure.hidden = false;
      } else {
        el.figure.hidden = true;
      }
      labelled(el.landmark, "Where: ", step.landmark);
      labelled(el.position, "Position: ", tech.position);
      fill(el.how, tech.steps || []);
      fill(el.findList, tech.find_it || []);
      el.find.hidden = !(tech.find_it && tech.find_it.length);
      fill(el.stop, tech.stop || []);
      el.stopBox.hidden = !(tech.stop && tech.stop.length);
      var following = steps[state.index + 1];
      el.next.textContent = following ? "Next: " + describe(following) : "Last step";
      markList();
      paint();
    }

    function stopClock() {
      if (state.running) state.left = remaining();
      state.running = false;
      if (state.timer) window.clearInterval(state.timer);
      state.timer = null;
      keepAwake(false);
    }

    function runClock() {
      state.running = true;
      state.endAt = performance.now() + state.left * 1000 / speed;
      if (state.timer) window.clearInterval(state.timer);
      state.timer = window.setInterval(onTick, TICK_MS);
      keepAwake(true);
      paint();
    }

    function setPhase(phase, seconds) {
      state.phase = phase;
      state.total = seconds;
      state.left = seconds;
      state.warned = false;
    }

    function beginHold() {
      var step = steps[state.index];
      setPhase("hold", step.seconds);
      runClock();
      announce("Hold for " + spoken(step.seconds) + ".");
    }

    function finishAll() {
      stopClock();
      state.phase = "done";
      beep(660, 0.25);
      window.setTimeout(function () { beep(880, 0.4); }, 300);
      el.player.hidden = true;
      if (el.list) {
        Array.prototype.forEach.call(el.list.children, function (li) {
          li.removeAttribute("aria-current");
        });
      }
      if (el.finish) {
        el.player.parentNode.insertBefore(el.finish, el.player); // where the player was
        el.finish.hidden = false;
        if (el.finishHeading) el.finishHeading.focus();
      }
      announce("Done for today.");
    }

    // Move to the next step: with the clock running, a short rest first, then its hold.
    function advance(prefix, keepRunning) {
      if (state.index >= steps.length - 1) {
        finishAll();
        return;
      }
      stopClock();
      state.index += 1;
      var step = steps[state.index];
      show();
      if (keepRunning) {
        var rest = Math.max(step.rest, 1);
        setPhase("rest", rest);
        runClock();
        announce(prefix + " — next: " + describe(step) + ". Get ready: " + spoken(rest) + ".");
      } else {
        setPhase("ready", step.seconds);
        paint();
        announce(prefix + " — next: " + describe(step) + ". Press Start when you are ready.");
      }
    }

    function onTick() {
      var left = remaining();
      if (state.phase === "hold" && !state.warned && state.total > WARN_AT + 5 &&
          left <= WARN_AT && left > 0) {
        state.warned = true;
        announce(WARN_AT + " seconds left.");
      }
      if (left > 0) {
        paint();
        return;
      }
      if (state.phase === "rest") {
        beep(660, 0.15);
        beginHold();
      } else if (state.phase === "hold") {
        beep(880, 0.3);
        tick(state.index);
        advance("Done", true);
      }
    }

    el.toggle.addEventListener("click", function () {
      if (state.phase === "done") return;
      if (state.running) {
        stopClock();
        paint();
        announce("Paused, " + spoken(state.left) + " left.");
      } else if (state.phase === "ready") {
        beginHold();
      } else {
        runClock();
        announce("Going again.");
      }
    });

    el.skip.addEventListener("click", function () {
      if (state.phase === "done") return;
      advance("Skipped", state.running);
    });

    el.back.addEventListener("click", function () {
      if (state.phase === "done") return;
      stopClock();
      if (state.index > 0 && (state.phase === "ready" || state.phase === "rest" ||
          state.total - state.left < 3)) {
        state.index -= 1;
      }
      var step = steps[state.index];
      setPhase("ready", step.seconds);
      show();
      announce("Back to step " + step.n + ": " + describe(step) + ". Press Start when you are ready.");
    });

    if (el.sound) {
      el.sound.checked = false;
      el.sound.addEventListener("change", function () {
        if (el.sound.checked) {
          var Context = window.AudioContext || window.webkitAudioContext;
          if (!audio && Context) audio = new Context();
          if (audio && audio.resume) audio.resume();
          beep(880, 0.12);
        } else if (audio) {
          audio.close();
          audio = null;
        }
      });
    }

    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && state.running) keepAwake(true);
    });

    if (el.finish) el.finish.hidden = true;
    document.documentElement.classList.add("guided");
    setPhase("ready", steps[0].seconds);
    el.player.hidden = false;
    show();
  }

  ready(function () {
    var node = byId("session-data");
    if (!node) return;
    var data;
    try {
      data = JSON.parse(node.textContent);
    } catch (e) {
      return; // the checklist still works
    }
    start(data);
  });
})();
