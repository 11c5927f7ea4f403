/* What autosave.js and presence.js share on an article's change page: the CSRF token and "when the page is
 * ready". Loaded before them (editing/admin.py, ArticleAdmin.Media).
 */
(function () {
  "use strict";

  window.NewsroomDesk = {
    // The CSRF cookie first: logging in again (in another tab) rotates it, and the form's token goes stale.
    csrfToken: function (form) {
      var cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
      if (cookie) return decodeURIComponent(cookie[1]);
      var field = form && form.elements.namedItem("csrfmiddlewaretoken");
      return field ? field.value : "";
    },
    ready: function (callback) {
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", callback);
      else callback();
    },
  };
})();
