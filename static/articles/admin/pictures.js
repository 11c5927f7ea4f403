/* The article form's pictures (articles/admin/pictures.py): the lead picture's focal point, alt text offered from
 * the caption, photo previews, and moving photos by keyboard. No inline script: the admin's policy allows none.
 *
 * - Focal point: a click on the picture puts the marker there and the two number fields (per cent across and
 *   down) to match; typing in the fields moves the marker. A new picture chosen is shown at once (read as a
 *   data: URL, which the policy's img-src allows), its point back in the middle.
 * - Alt text: beside each empty alt field (marked data-alt-text, which holds the button's label) a button copies
 *   the caption in, as a start; the caption is the field named like it with "caption" for "alt" (photos-0-alt:
 *   photos-0-caption).
 * - Photos: a photo chosen shows in its row's thumbnail; django-admin-sortable2's move-first and move-last arrows
 *   answer Enter and Space. Rows added with "Add another" are served by the same listeners (delegation).
 * - A rendition not made yet (a picture older than renditions) falls back to the original (data-fallback).
 */
(function () {
  "use strict";

  var ALT_BUTTON_CLASS = "alt-from-caption";

  function clamp(value) {
    var number = Math.round(Number(value));
    if (!isFinite(number)) {
      return 50;
    }
    return Math.min(100, Math.max(0, number));
  }

  function announce(input) {
    // Tell the form's other listeners (unsaved changes, autosave) that the value changed.
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // ----- focal point -----

  function setUpFocalPoint(box) {
    var inputX = document.getElementById(box.dataset.x);
    var inputY = document.getElementById(box.dataset.y);
    var frame = box.querySelector(".focal-point__frame");
    var picture = box.querySelector(".focal-point__picture");
    var marker = box.querySelector(".focal-point__marker");
    if (!inputX || !inputY || !frame || !picture || !marker) {
      return; // read-only: the marker shows the saved point
    }
    box.classList.add("focal-point--active");

    function place() {
      marker.style.left = clamp(inputX.value) + "%";
      marker.style.top = clamp(inputY.value) + "%";
    }

    function set(x, y) {
      inputX.value = clamp(x);
      inputY.value = clamp(y);
      announce(inputX);
      announce(inputY);
      place();
    }

    picture.addEventListener("click", function (event) {
      var rect = picture.getBoundingClientRect();
      if (!rect.width || !rect.height) {
        return;
      }
      set(((event.clientX - rect.left) / rect.width) * 100, ((event.clientY - rect.top) / rect.height) * 100);
    });
    inputX.addEventListener("input", place);
    inputY.addEventListener("input", place);

    var upload = document.getElementById("id_image");
    if (upload) {
      upload.addEventListener("change", function () {
        var file = upload.files && upload.files[0];
        if (!file || !/^image\//.test(file.type)) {
          return;
        }
        readAsDataURL(file, function (url) {
          picture.removeAttribute("width");
          picture.removeAttribute("height");
          picture.src = url;
          frame.hidden = false;
          var help = box.querySelector(".focal-point__help");
          if (help && help.dataset.shown) {
            help.textContent = help.dataset.shown;
          }
          set(50, 50); // the point chosen was the old picture's
        });
      });
    }
    place();
  }

  function readAsDataURL(file, done) {
    var reader = new FileReader();
    reader.addEventListener("load", function () {
      done(reader.result);
    });
    reader.readAsDataURL(file);
  }

  // ----- alt text from the caption -----

  function captionFor(altInput) {
    var name = altInput.name.replace(/alt$/, "caption");
    return altInput.form ? altInput.form.elements.namedItem(name) : null;
  }

  function addAltButton(altInput) {
    var next = altInput.nextElementSibling;
    if (next && next.classList.contains(ALT_BUTTON_CLASS)) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button " + ALT_BUTTON_CLASS;
    button.textContent = altInput.dataset.altText; // the button's label, translated by the server
    altInput.insertAdjacentElement("afterend", button);
  }

  function refreshAltButton(altInput) {
    var button = altInput.nextElementSibling;
    if (!button || !button.classList.contains(ALT_BUTTON_CLASS)) {
      return;
    }
    var caption = captionFor(altInput);
    button.hidden = altInput.value.trim() !== "";
    button.disabled = !caption || caption.value.trim() === "";
  }

  function refreshAll() {
    document.querySelectorAll("input[data-alt-text]").forEach(function (input) {
      addAltButton(input);
      refreshAltButton(input);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("." + ALT_BUTTON_CLASS) : null;
    if (!button) {
      return;
    }
    var altInput = button.previousElementSibling;
    var caption = altInput && captionFor(altInput);
    if (!caption || caption.value.trim() === "") {
      return;
    }
    altInput.value = caption.value.trim().slice(0, altInput.maxLength > 0 ? altInput.maxLength : undefined);
    announce(altInput);
    refreshAltButton(altInput);
    altInput.focus();
  });

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target || !target.name) {
      return;
    }
    if (target.matches("input[data-alt-text]")) {
      refreshAltButton(target);
    } else if (/caption$/.test(target.name) && target.form) {
      var alt = target.form.elements.namedItem(target.name.replace(/caption$/, "alt"));
      if (alt && alt.matches && alt.matches("input[data-alt-text]")) {
        refreshAltButton(alt);
      }
    }
  });

  // ----- photos: preview, fallback, moving by keyboard -----

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.closest(".article-photos")) {
      return;
    }
    var row = input.closest(".inline-related");
    var file = input.files && input.files[0];
    if (!row || !file || !/^image\//.test(file.type)) {
      return;
    }
    readAsDataURL(file, function (url) {
      var old = row.querySelector(".photo-thumb");
      var image = document.createElement("img");
      image.className = "photo-thumb";
      image.alt = "";
      image.src = url;
      if (old) {
        old.replaceWith(image);
      }
    });
  });

  document.addEventListener(
    "error",
    function (event) {
      var image = event.target;
      if (image.tagName === "IMG" && image.dataset.fallback && image.src !== image.dataset.fallback) {
        var fallback = image.dataset.fallback;
        delete image.dataset.fallback; // once
        image.src = fallback;
      }
    },
    true
  );

  function keyboardArrows() {
    document.querySelectorAll(".article-photos .sort i[role=button]").forEach(function (arrow) {
      arrow.tabIndex = 0;
      arrow.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          arrow.click();
          arrow.focus();
        }
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-focal-point]").forEach(setUpFocalPoint);
    refreshAll();
    keyboardArrows();
    document.addEventListener("formset:added", refreshAll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
