/* Autosave on an article's change page (editing/views.py keeps the copy; editing/admin.py renders the panel).
 *
 * Every data-autosave-seconds the text fields named in data-fields are read from the change form (CKEditor
 * bodies written back to their textareas first) and, when they changed since the last time, posted to the
 * server. When the page is hidden or left they are sent once more with navigator.sendBeacon, which cannot set
 * headers: the CSRF token travels as the csrfmiddlewaretoken field. The panel's banner restores a kept copy into
 * the form (the user then saves as usual) or discards it. After a take-over (presence.js fires
 * "desk:taken-over") the form is sent one last time and then made read-only.
 */
(function () {
  "use strict";

  var csrfToken = window.NewsroomDesk.csrfToken;
  var ready = window.NewsroomDesk.ready;

  function editors() {
    return window.CKEDITOR ? Object.keys(CKEDITOR.instances).map(function (id) { return CKEDITOR.instances[id]; }) : [];
  }

  function editorsReady() {
    var rich = document.querySelectorAll("textarea[data-type=ckeditortype]");
    if (!rich.length) return true;
    if (!window.CKEDITOR) return false;
    return Array.prototype.every.call(rich, function (area) {
      var instance = CKEDITOR.instances[area.id];
      return instance && instance.status === "ready";
    });
  }

  ready(function () {
    var panel = document.getElementById("desk-live");
    var form = document.getElementById("article_form");
    if (!panel || !form || panel.dataset.canEdit !== "1") return;

    var fields = panel.dataset.fields.split(/\s+/).filter(Boolean);
    var url = panel.dataset.autosaveUrl;
    var seconds = Math.max(1, parseFloat(panel.dataset.autosaveSeconds) || 30);
    var status = panel.querySelector("[data-status]");
    var lastSent = null;
    var stopped = false;
    var submitting = false;

    function message(name) { return panel.dataset["msg" + name] || ""; }

    function say(text) { if (status) status.textContent = text; }

    function expired(yes) {
      var notice = panel.querySelector("[data-expired]");
      if (notice) notice.hidden = yes === false;
    }

    function collect() {
      editors().forEach(function (editor) { editor.updateElement(); });
      var data = {};
      fields.forEach(function (name) {
        var element = form.elements.namedItem(name);
        if (element && typeof element.value === "string") data[name] = element.value;
      });
      return data;
    }

    function body(data) {
      var payload = new FormData();
      Object.keys(data).forEach(function (name) { payload.append(name, data[name]); });
      var version = form.elements.namedItem("based_on_version");
      payload.append("csrfmiddlewaretoken", csrfToken(form));
      if (version && version.value) payload.append("based_on_version", version.value);
      return payload;
    }

    function send(force) {
      if (stopped && !force) return;
      var data = collect();
      var serialized = JSON.stringify(data);
      if (serialized === lastSent) return;
      fetch(url, { method: "POST", body: body(data), credentials: "same-origin", keepalive: true,
                   headers: { "X-Requested-With": "XMLHttpRequest" } })
        .then(function (response) {
          if (response.status === 403) {
            return response.json().catch(function () { return { error: "csrf" }; }).then(function (answer) {
              if (answer.error === "login" || answer.error === "csrf") expired();
            });
          }
          if (!response.ok) return;
          expired(false);
          lastSent = serialized;
          return response.json().then(function (answer) {
            if (answer.kept) say(message("Saved").replace("{time}", new Date().toLocaleTimeString()));
          });
        })
        .catch(function () { /* offline: the next tick tries again */ });
    }

    function beacon() {
      if (stopped || submitting || !navigator.sendBeacon) return;
      var data = collect();
      var serialized = JSON.stringify(data);
      if (serialized === lastSent) return;
      if (navigator.sendBeacon(url, body(data))) lastSent = serialized;
    }

    // What the page holds once the editors have loaded is the baseline: nothing to keep until it changes.
    var waited = 0;
    (function baseline() {
      if (editorsReady() || waited > 15000) {
        lastSent = JSON.stringify(collect());
        return;
      }
      waited += 200;
      setTimeout(baseline, 200);
    })();

    var timer = setInterval(function () { if (lastSent !== null) send(false); }, seconds * 1000);
    form.addEventListener("submit", function () { submitting = true; });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") beacon();
    });
    window.addEventListener("pagehide", beacon);

    panel.addEventListener("desk:taken-over", function () {
      send(true);
      stopped = true;
      clearInterval(timer);
      editors().forEach(function (editor) { editor.setReadOnly(true); });
      form.inert = true;
      form.classList.add("desk-live__form--stopped");
    });

    var banner = panel.querySelector("[data-restore]");
    if (!banner) return;
    banner.querySelector("[data-restore-button]").addEventListener("click", function () {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest" } })
        .then(function (response) {
          if (response.status === 403) { expired(); return null; }
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          if (!answer) { banner.hidden = true; return; }
          Object.keys(answer.data).forEach(function (name) {
            var element = form.elements.namedItem(name);
            var editor = window.CKEDITOR && element && CKEDITOR.instances[element.id];
            if (editor) editor.setData(answer.data[name]);
            else if (element && typeof element.value === "string") element.value = answer.data[name];
          });
          // A copy made on an older version is saved against that version: the form's stale-save check then
          // keeps the text and asks to compare, instead of overwriting what was saved since.
          var version = form.elements.namedItem("based_on_version");
          if (version && answer.based_on_version) version.value = String(answer.based_on_version);
          banner.hidden = true;
          say(message("Restored"));
        })
        .catch(function () { /* the banner stays; the user may try again */ });
    });
    banner.querySelector("[data-discard-button]").addEventListener("click", function () {
      fetch(panel.dataset.discardUrl, { method: "POST", body: body({}), credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 403) expired();
          else banner.hidden = true;
        })
        .catch(function () {});
    });
  });
})();
