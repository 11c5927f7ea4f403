/* Send Django's CSRF token with CKEditor's image uploads (the upload view is CSRF-protected). */
(function () {
  "use strict";
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function hook(editor) {
    editor.on("fileUploadRequest", function (evt) {
      evt.data.fileLoader.xhr.setRequestHeader("X-CSRFToken", csrfToken());
    });
  }
  function attach() {
    if (!window.CKEDITOR) return;
    for (var name in CKEDITOR.instances) hook(CKEDITOR.instances[name]);
    CKEDITOR.on("instanceCreated", function (evt) { hook(evt.editor); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", attach);
  else attach();
})();
