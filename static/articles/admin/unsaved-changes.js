/* Leaving the article page with unsaved changes asks first (the browser's own "leave the page?" dialog).
 *
 * Unsaved: anything typed or chosen in the article form since the page loaded (its inputs outside the <form>,
 * the workflow panel's comment and time, included: they belong to it by the form attribute), the rich-text
 * editor's content, or the whole form when it came back refused (its text is not saved). Submitting the form
 * (saving, or a workflow button) never asks. Loaded by articles/templates/admin/articles/article/change_form.html.
 */
(function () {
  "use strict";

  function serialize(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      parts.push(name + "=" + (typeof value === "string" ? value : value.name));
    });
    return parts.join("&");
  }

  function editorsDirty() {
    var editors = window.CKEDITOR && window.CKEDITOR.instances;
    if (!editors) {
      return false;
    }
    return Object.keys(editors).some(function (name) {
      return editors[name].checkDirty();
    });
  }

  function start() {
    var form = document.getElementById("article_form");
    if (!form) {
      return;
    }
    var refused = !!form.querySelector(".errornote, .errorlist");
    var loaded = serialize(form);
    var touched = false;
    var submitting = false;

    function markTouched(event) {
      if (event.target && event.target.form === form) {
        touched = true;
      }
    }
    document.addEventListener("input", markTouched, true);
    document.addEventListener("change", markTouched, true);
    form.addEventListener("submit", function () {
      submitting = true;
    });
    window.addEventListener("pageshow", function () {
      submitting = false; // back from the next page: the form is in front of the user again
    });

    window.addEventListener("beforeunload", function (event) {
      if (submitting) {
        return undefined;
      }
      if (!(refused || touched || editorsDirty() || serialize(form) !== loaded)) {
        return undefined;
      }
      event.preventDefault();
      event.returnValue = "";
      return "";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
