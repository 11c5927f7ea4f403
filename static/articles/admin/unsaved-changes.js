/* Leaving the article page with unsaved changes asks first (the browser's own "leave the page?" dialog).
 *
 * Unsaved: a value of the article form that differs from what the page loaded with (its inputs outside the
 * <form>, the workflow panel's comment and time, included: they belong to it by the form attribute), the
 * rich-text editor's content as the editor itself judges it (CKEditor's checkDirty: it writes its text back into
 * its textarea in its own form, a line end added, which is no change of the reader's), or the whole form when it
 * came back refused (its text is not saved). Clicking, focusing or typing and undoing it is no change. Submitting
 * the form (saving, or a workflow button) never asks. Loaded by
 * articles/templates/admin/articles/article/change_form.html.
 */
(function () {
  "use strict";

  var RICH_TEXT = 'textarea[data-type="ckeditortype"]';

  function richTextNames(form) {
    var names = {};
    form.querySelectorAll(RICH_TEXT).forEach(function (area) {
      names[area.name] = true;
    });
    return names;
  }

  // The form's values but the rich-text fields', which `editorsDirty` judges.
  function serialize(form) {
    var skipped = richTextNames(form);
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (!skipped[name]) {
        parts.push(name + "=" + (typeof value === "string" ? value : value.name));
      }
    });
    return parts.join("&");
  }

  // Each rich-text field: its editor's own judgement, or, where no editor took it over, the textarea's value
  // against the one the page loaded with.
  function editorsDirty(form) {
    var editors = (window.CKEDITOR && window.CKEDITOR.instances) || {};
    return Array.prototype.some.call(form.querySelectorAll(RICH_TEXT), function (area) {
      var editor = editors[area.id];
      return editor ? editor.checkDirty() : area.value !== area.defaultValue;
    });
  }

  function start() {
    var form = document.getElementById("article_form");
    if (!form) {
      return;
    }
    var refused = !!form.querySelector(".errornote, .errorlist");
    var loaded = serialize(form);
    var submitting = false;

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
      if (!(refused || editorsDirty(form) || serialize(form) !== loaded)) {
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
