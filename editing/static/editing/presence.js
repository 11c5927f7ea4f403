/* Presence on an article's change page: a heartbeat every data-heartbeat-seconds (editing/views.py) answers who
 * else has the article open; the panel lists them and warns when another person may be editing. An editor may
 * take the article over; a page taken over shows a blocking notice and fires "desk:taken-over" on the panel, so
 * autosave.js keeps the text one last time and stops the form.
 */
(function () {
  "use strict";

  var csrfToken = window.NewsroomDesk.csrfToken;
  var ready = window.NewsroomDesk.ready;

  ready(function () {
    var panel = document.getElementById("desk-live");
    if (!panel) return;
    var form = document.getElementById("article_form");
    var seconds = Math.max(1, parseFloat(panel.dataset.heartbeatSeconds) || 15);
    var canEdit = panel.dataset.canEdit === "1";
    var timer = null;

    function message(name) { return panel.dataset["msg" + name] || ""; }

    function payload() {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", csrfToken(form) || panel.dataset.csrf || "");
      data.append("opened_at", panel.dataset.openedAt);
      return data;
    }

    function expired(yes) {
      var notice = panel.querySelector("[data-expired]");
      if (notice) notice.hidden = yes === false;
    }

    function show(others) {
      var line = panel.querySelector("[data-presence]");
      var people = panel.querySelector("[data-people]");
      people.textContent = "";
      others.forEach(function (other, index) {
        var person = document.createElement("span");
        person.className = "desk-live__person" + (other.editing ? " desk-live__person--editing" : "");
        person.textContent = other.name + " (" + message(other.editing ? "Editing" : "Viewing") + ")";
        if (index) people.appendChild(document.createTextNode(message("Separator")));
        people.appendChild(person);
      });
      line.hidden = others.length === 0;
      var editing = others.filter(function (other) { return other.editing; });
      var warning = panel.querySelector("[data-warning]");
      var text = panel.querySelector("[data-warning-text]");
      text.textContent = message("Warning").replace("{names}", editing.map(function (o) { return o.name; })
        .join(message("Separator")));
      warning.hidden = !(canEdit && editing.length);
    }

    function takenOver(name) {
      clearInterval(timer);
      panel.querySelector("[data-warning]").hidden = true;
      var blocker = panel.querySelector("[data-taken-over]");
      blocker.querySelector("[data-taken-over-text]").textContent =
        (name ? message("TakenOver") : message("TakenOverUnknown")).replace("{name}", name);
      blocker.hidden = false;
      panel.dispatchEvent(new CustomEvent("desk:taken-over", { detail: { by: name } }));
      var reload = blocker.querySelector("[data-reload]");
      if (reload) reload.focus();
    }

    function answer(response) {
      if (response.status === 403) {
        return response.json().catch(function () { return { error: "csrf" }; }).then(function (body) {
          if (body.error === "login" || body.error === "csrf") expired();
        });
      }
      if (!response.ok) return;
      expired(false);
      return response.json().then(function (body) {
        if (body.taken_over_by !== null && body.taken_over_by !== undefined) takenOver(body.taken_over_by);
        else show(body.others);
      });
    }

    function beat() {
      fetch(panel.dataset.presenceUrl, { method: "POST", body: payload(), credentials: "same-origin" })
        .then(answer)
        .catch(function () { /* offline: the next beat tries again */ });
    }

    timer = setInterval(beat, seconds * 1000);
    beat();

    // Leaving the page (another page, a reload, the tab closed): say so at once, so no one else is told that
    // this person is still editing for the next EDITING_PRESENCE_SECONDS. A reload's first heartbeat is back.
    window.addEventListener("pagehide", function () {
      var data = payload();
      data.append("left", "1");
      if (navigator.sendBeacon) navigator.sendBeacon(panel.dataset.presenceUrl, data);
    });

    var takeOver = panel.querySelector("[data-take-over]");
    if (takeOver) {
      takeOver.addEventListener("click", function () {
        fetch(panel.dataset.takeOverUrl, { method: "POST", body: payload(), credentials: "same-origin" })
          .then(answer)
          .catch(function () {});
      });
    }
    var reload = panel.querySelector("[data-reload]");
    if (reload) reload.addEventListener("click", function () { window.location.reload(); });
  });
})();
