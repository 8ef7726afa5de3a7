// Check-in on a phone, on a flaky connection. Without this file the page still works: every
// "Check in" button is a normal form POST.
//
// With it: check-ins (QR scan, typed code, or the button next to a name) go into a queue kept in
// localStorage, each with its own id (crypto.randomUUID) and the time it happened. The queue is
// sent as JSON to the sync endpoint and retried until the server acknowledges each item; the
// server counts an id once, and a person once, so re-sending is always safe.
(function () {
  "use strict";

  var root = document.querySelector("[data-checkin]");
  if (!root) { return; }
  root.hidden = false;

  var syncUrl = root.getAttribute("data-sync-url");
  var session = root.getAttribute("data-session") || "";
  var storeKey = "hramada.checkin." + root.getAttribute("data-event");
  var BATCH = 50;
  var RETRY_MIN = 3000;
  var RETRY_MAX = 60000;

  function msg(name, values) {
    var text = root.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }
  function q(sel) { return root.querySelector(sel); }

  // --- The queue ----------------------------------------------------------------------------------

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
  }
  function save(items) {
    try { window.localStorage.setItem(storeKey, JSON.stringify(items)); } catch (e) { /* full or blocked: keep in memory */ }
    memory = items;
  }
  var memory = load();
  function queue() { return window.localStorage ? load() : memory; }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    // randomUUID needs a secure context; getRandomValues does not.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function enqueue(code, name) {
    code = (code || "").trim();
    if (!code) { return; }
    var items = queue();
    var dup = items.some(function (it) { return it.code === code && it.session === session; });
    if (!dup) {
      items.push({ client_id: newId(), code: code, at: new Date().toISOString(), session: session, name: name || "" });
      save(items);
    }
    render();
    sync();
  }

  function label(item) {
    return item.name || (msg("ticket") + " …" + item.code.slice(-6));
  }

  function render() {
    var items = queue();
    var section = q("[data-queue]");
    var list = q("[data-queue-list]");
    section.hidden = items.length === 0;
    list.textContent = "";
    items.forEach(function (it) {
      var li = document.createElement("li");
      var time = new Date(it.at);
      li.textContent = label(it) + " · " + time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) +
        " · " + msg("pending");
      li.className = "pending";
      list.appendChild(li);
    });
  }

  function recent(text, kind) {
    var list = q("[data-recent]");
    var li = document.createElement("li");
    li.className = "result-" + kind;
    li.textContent = text;
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 20) { list.removeChild(list.lastChild); }
  }

  // --- Sending ------------------------------------------------------------------------------------

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  var inflight = false;
  var retryDelay = RETRY_MIN;
  var retryTimer = null;

  function scheduleRetry() {
    if (retryTimer) { return; }
    retryTimer = window.setTimeout(function () { retryTimer = null; sync(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX);
  }

  function acknowledge(results) {
    var done = {};
    results.forEach(function (r) {
      if (!r.client_id) { return; }
      done[r.client_id] = true;
      if (r.status === "ok") {
        recent(msg("ok", { name: r.name }), "ok");
      } else if (r.status === "already") {
        recent(msg("already", { name: r.name, time: r.at }), "already");
      } else {
        var item = queue().filter(function (it) { return it.client_id === r.client_id; })[0];
        recent((item ? label(item) + ": " : "") + r.message, "error");
      }
      markRow(r);
    });
    save(queue().filter(function (it) { return !done[it.client_id]; }));
  }

  function markRow(result) {
    if (result.status === "error") { return; }
    document.querySelectorAll("form[data-checkin-form][data-pending-code]").forEach(function (form) {
      if (form.getAttribute("data-pending-code") === result.code) {
        var span = document.createElement("span");
        span.className = "badge status-confirmed";
        span.textContent = msg("done", { time: result.at });
        form.replaceWith(span);
      }
    });
  }

  function sync() {
    var items = queue();
    var status = q("[data-sync-status]");
    if (inflight || items.length === 0) { return; }
    inflight = true;
    var batch = items.slice(0, BATCH).map(function (it) {
      return { client_id: it.client_id, code: it.code, at: it.at, session: it.session };
    });
    window.fetch(syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify({ items: batch })
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") === -1) {
        throw { login: response.status === 403 || type.indexOf("text/html") !== -1 };
      }
      return response.json();
    }).then(function (data) {
      inflight = false;
      retryDelay = RETRY_MIN;
      status.textContent = "";
      acknowledge(data.results || []);
      if (!session && typeof data.checked_in === "number") {
        var count = document.querySelector("[data-count]");
        if (count) { count.textContent = String(data.checked_in); }
      }
      render();
      if (queue().length) { sync(); }
    }).catch(function (err) {
      inflight = false;
      status.textContent = err && err.login ? msg("login") : msg("offline");
      scheduleRetry();
    });
  }

  // --- Forms: the typed code and the button next to each name --------------------------------------

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches("form[data-checkin-form]")) { return; }
    ev.preventDefault();
    var code = form.elements.code ? form.elements.code.value : "";
    if (!code.trim()) { return; }
    var name = form.getAttribute("data-name") || "";
    if (form.elements.code.type === "text") {
      form.elements.code.value = "";
      form.elements.code.focus();
    } else {
      form.setAttribute("data-pending-code", code);
      var button = form.querySelector("button");
      if (button) { button.disabled = true; button.textContent = msg("pending"); }
    }
    enqueue(code, name);
  });

  // --- Camera -------------------------------------------------------------------------------------

  var video = q("[data-scan-video]");
  var canvas = q("[data-scan-canvas]");
  var scanStatus = q("[data-scan-status]");
  var startBtn = q("[data-scan-start]");
  var stopBtn = q("[data-scan-stop]");
  var stream = null;
  var scanning = false;
  var last = { code: "", at: 0 };

  function ticketFrom(text) {
    text = (text || "").trim();
    var m = text.match(/\/ticket\/([^/?#]+)/);  // a ticket link instead of a bare code
    return m ? decodeURIComponent(m[1]) : text;
  }

  function tick() {
    if (!scanning) { return; }
    if (video.readyState >= 2 && video.videoWidth && window.jsQR) {
      var scale = Math.min(1, 640 / video.videoWidth);
      var w = Math.round(video.videoWidth * scale);
      var h = Math.round(video.videoHeight * scale);
      canvas.width = w;
      canvas.height = h;
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, w, h);
      var found = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" });
      if (found && found.data) {
        var code = ticketFrom(found.data);
        var now = Date.now();
        if (code && (code !== last.code || now - last.at > 4000)) {
          last = { code: code, at: now };
          if (navigator.vibrate) { navigator.vibrate(80); }
          scanStatus.textContent = msg("scanned", { code: "…" + code.slice(-6) });
          enqueue(code, "");
        }
      }
    }
    window.setTimeout(tick, 150);  // ~7 frames a second is enough and spares the battery
  }

  function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      scanStatus.textContent = msg("no-camera");
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        return video.play();
      })
      .then(function () {
        scanning = true;
        startBtn.hidden = true;
        stopBtn.hidden = false;
        scanStatus.textContent = msg("scanning");
        tick();
      })
      .catch(function (err) {
        scanStatus.textContent = msg("camera-error") + " " + (err && err.name ? err.name : "");
        stop();
      });
  }

  function stop() {
    scanning = false;
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    video.hidden = true;
    startBtn.hidden = false;
    stopBtn.hidden = true;
  }

  startBtn.addEventListener("click", start);
  stopBtn.addEventListener("click", stop);
  document.addEventListener("visibilitychange", function () { if (document.hidden && scanning) { stop(); } });

  // --- Keep trying ------------------------------------------------------------------------------

  q("[data-sync-now]").addEventListener("click", function () {
    retryDelay = RETRY_MIN;
    if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
    sync();
  });
  window.addEventListener("online", function () { retryDelay = RETRY_MIN; sync(); });
  window.addEventListener("storage", function (ev) { if (ev.key === storeKey) { render(); } });
  window.setInterval(function () { if (queue().length && !retryTimer) { sync(); } }, 15000);

  render();
  sync();
})();
