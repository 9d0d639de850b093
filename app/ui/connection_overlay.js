// "Connection lost, reconnecting..." for the server-driven web client (served index.html).
//
// The browser only draws; every tap travels to the Flet server over one websocket. When the
// network goes, Chromium (and TCP) keep that socket "open" and hold what is sent on it, so a
// tap made during the outage reaches the server when the network returns, long after the
// person gave up. So while the connection is down this script
//   - covers the page with a message in the person's language (the app writes its language
//     and text size to localStorage as SharedPreferences "shopfloor.look"),
//   - swallows every pointer, key and text-input event before Flutter sees it, and
//   - drops anything the client sends on the websocket (nothing from the outage is replayed).
// Down = the browser says offline, or the Flet websocket closed, or the server stopped
// answering a small ping. Up again = all three well: the cover goes away by itself.
(function () {
  "use strict";
  var TEXTS = __SF_TEXTS__;  // {locale: {title, body, rtl, font}}, filled in by web_assets.py
  var DEFAULT = __SF_DEFAULT__;
  var PING_MS = 3000, PING_DOWN_MS = 1000, PING_TIMEOUT_MS = 2500, FONT_DELAY_MS = 8000;
  var down = {net: navigator.onLine === false, socket: false, ping: false};
  var latest = null, cover = null;

  function isDown() { return down.net || down.socket || down.ping; }

  function look() {
    try {
      var raw = JSON.parse(localStorage.getItem("flutter.shopfloor.look") || "null");
      return typeof raw === "string" ? JSON.parse(raw) : (raw || {});
    } catch (e) { return {}; }
  }

  function fromBrowser() {
    var tags = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < tags.length; i++) {
      var t = String(tags[i]).toLowerCase().replace(/_/g, "-");
      if (t.indexOf("zh") === 0) {
        return /hans|-cn|-sg/.test(t) ? "zh_Hans" : "zh_Hant_HK";
      }
      var lang = t.split("-")[0] === "in" ? "id" : t.split("-")[0];
      if (TEXTS[lang]) { return lang; }
    }
    return DEFAULT;
  }

  function locale() {
    var chosen = look().locale;
    return TEXTS[chosen] ? chosen : fromBrowser();
  }

  function build() {
    var l = locale(), text = TEXTS[l], large = !!look().large_text;
    var box = document.createElement("div");
    box.id = "sf-connection-lost";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-live", "assertive");
    box.setAttribute("aria-labelledby", "sf-connection-lost-title");
    box.setAttribute("aria-describedby", "sf-connection-lost-body");
    box.setAttribute("lang", l.replace(/_/g, "-"));
    box.dir = text.rtl ? "rtl" : "ltr";
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;display:flex;" +
      "align-items:center;justify-content:center;padding:5vw;box-sizing:border-box;" +
      "background:rgba(20,20,20,.72);touch-action:none;user-select:none;" +
      "font-family:'" + text.font + "','Noto Sans',system-ui,sans-serif;";
    var card = document.createElement("div");
    card.style.cssText = "background:#fff;color:#1a1a1a;border-radius:12px;padding:1.2em 1.4em;" +
      "max-width:32em;width:100%;box-sizing:border-box;text-align:start;overflow-wrap:anywhere;" +
      "line-height:1.45;font-size:" + (large ? "1.5rem" : "1.15rem") + ";";
    var title = document.createElement("h2");
    title.id = "sf-connection-lost-title";
    title.textContent = text.title;
    title.style.cssText = "margin:0 0 .5em;font-size:1.25em;line-height:1.3;";
    var body = document.createElement("p");
    body.id = "sf-connection-lost-body";
    body.textContent = text.body;
    body.style.cssText = "margin:0;";
    card.appendChild(title);
    card.appendChild(body);
    box.appendChild(card);
    return box;
  }

  function setInert(on) {
    var kids = document.body ? document.body.children : [];
    for (var i = 0; i < kids.length; i++) {
      if (kids[i] !== cover) { kids[i].inert = on; }
    }
  }

  function update() {
    if (isDown() && !cover && document.body) {
      cover = build();  // built now: the language may have changed since the last outage
      document.body.appendChild(cover);
      setInert(true);
    } else if (!isDown() && cover) {
      setInert(false);
      cover.remove();
      cover = null;
    }
  }

  // Nothing reaches Flutter while down: capture on window runs before any of its listeners.
  function swallow(e) {
    if (!isDown()) { return; }
    e.stopImmediatePropagation();
    // Keys keep their browser defaults (reload, zoom); only Flutter must not see them.
    if (e.type.indexOf("key") !== 0 && e.cancelable) { e.preventDefault(); }
  }
  ["pointerdown", "pointerup", "pointermove", "pointercancel", "mousedown", "mouseup", "click",
   "dblclick", "contextmenu", "touchstart", "touchmove", "touchend", "wheel", "keydown", "keyup",
   "keypress", "beforeinput", "input", "compositionstart", "compositionend", "paste"
  ].forEach(function (type) {
    window.addEventListener(type, swallow, {capture: true, passive: false});
  });

  // The websocket: drop what is sent while down, and notice when Flet's socket closes.
  var Native = window.WebSocket, nativeSend = Native.prototype.send;
  Native.prototype.send = function (data) {
    if (isDown()) { return; }
    return nativeSend.call(this, data);
  };
  function Watched(url, protocols) {
    var socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    latest = socket;
    socket.addEventListener("open", function () {
      if (socket === latest) { down.socket = false; update(); }
    });
    socket.addEventListener("close", function () {
      if (socket === latest) { down.socket = true; update(); ping(); }
    });
    return socket;
  }
  Watched.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { Watched[k] = Native[k]; });
  window.WebSocket = Watched;

  // A path that went quiet is not reported by the browser: ask the server now and then.
  var timer = null, inFlight = false;
  function ping() {
    if (inFlight) { return; }
    inFlight = true;
    var ctl = window.AbortController ? new AbortController() : null;
    var limit = setTimeout(function () { if (ctl) { ctl.abort(); } }, PING_TIMEOUT_MS);
    fetch("manifest.json?sf-ping=" + Date.now(), {cache: "no-store", signal: ctl && ctl.signal})
      // Any answer, even an error page, proves the way to the server works.
      .then(function () { return true; }, function () { return false; })
      .then(function (ok) {
        clearTimeout(limit);
        inFlight = false;
        down.ping = !ok;
        update();
        schedule();
      });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (document.hidden && !isDown()) { schedule(); } else { ping(); }
    }, isDown() ? PING_DOWN_MS : PING_MS);
  }
  window.addEventListener("offline", function () { down.net = true; update(); });
  window.addEventListener("online", function () { down.net = false; update(); ping(); });
  document.addEventListener("DOMContentLoaded", update);
  schedule();

  // The font of the person's language, loaded while online so the cover can use it offline;
  // later than Flutter's own fetch of the same file, so it comes from the browser's cache.
  setTimeout(function () {
    try { document.fonts.load("1em '" + TEXTS[locale()].font + "'", TEXTS[locale()].title); } catch (e) {}
  }, FONT_DELAY_MS);
})();
