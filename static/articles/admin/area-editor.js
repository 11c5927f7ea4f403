/*
 * Draw the areas of articles on a printed page (IssuePage change form).
 *
 * The page image sits beside the "page areas" inline; every row of the inline (article, left, top, width,
 * height: fractions of the page) is drawn as a box on the image and follows what is typed. Dragging on the
 * image draws a new area: a new row is added, its numbers filled in, and its article picker opened. A row's
 * "Redraw" button (or a click on its box) selects it, and the next drag replaces its numbers. The form is then
 * saved as usual: the server validates every number, and the page works without this script (typed numbers).
 *
 * Loaded as a static file (the admin's Content-Security-Policy allows scripts from 'self' only); labels come
 * translated from the data attributes of #area-editor.
 */
(function () {
  "use strict";

  var FIELDS = ["x", "y", "width", "height"];
  var MIN_SIZE = 0.005; // a drag smaller than half a percent of the page is a click
  var COLOURS = 8; // box colours, by article (area-editor.css: .area-editor__box--c0 … c7)

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function floor4(value) {
    return Math.floor(value * 10000 + 1e-6) / 10000;
  }

  function round4(value) {
    return Math.round(value * 10000) / 10000;
  }

  function AreaEditor(root) {
    this.root = root;
    this.prefix = root.getAttribute("data-formset-prefix") || "areas";
    this.group = document.getElementById(this.prefix + "-group");
    this.stage = root.querySelector(".area-editor__stage");
    this.image = root.querySelector(".area-editor__image");
    this.status = root.querySelector(".area-editor__status");
    this.selected = null;
    this.drag = null;
  }

  AreaEditor.prototype.label = function (name, number) {
    var text = this.root.getAttribute("data-" + name) || "";
    return text.replace("{n}", number === undefined ? "" : String(number));
  };

  AreaEditor.prototype.say = function (text) {
    if (this.status) this.status.textContent = text;
  };

  AreaEditor.prototype.start = function () {
    if (!this.group || !this.stage || !this.image) return;
    var self = this;
    this.root.classList.add("area-editor--ready");
    Array.prototype.forEach.call(this.root.querySelectorAll("[data-when-script]"), function (element) {
      element.hidden = false;
    });

    this.layer = document.createElement("div");
    this.layer.className = "area-editor__layer";
    this.draft = document.createElement("div");
    this.draft.className = "area-editor__box area-editor__box--draft";
    this.draft.hidden = true;
    this.layer.appendChild(this.draft);
    this.stage.appendChild(this.layer);

    this.layer.addEventListener("pointerdown", function (event) { self.pointerDown(event); });
    this.layer.addEventListener("pointermove", function (event) { self.pointerMove(event); });
    this.layer.addEventListener("pointerup", function (event) { self.pointerUp(event); });
    this.layer.addEventListener("pointercancel", function () { self.cancelDrag(); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && (self.drag || self.selected)) {
        self.cancelDrag();
        self.select(null);
      }
    });

    // Typed numbers, chosen articles, rows added and removed: redraw the boxes.
    var redraw = function () { self.render(); };
    this.group.addEventListener("input", redraw);
    this.group.addEventListener("change", redraw);
    document.addEventListener("formset:added", function (event) {
      if (!event.detail || event.detail.formsetName === self.prefix) {
        self.decorate();
        self.render();
      }
    });
    document.addEventListener("formset:removed", function (event) {
      if (!event.detail || event.detail.formsetName === self.prefix) {
        if (self.selected && !self.selected.isConnected) self.selected = null;
        self.render();
      }
    });
    // The article picker is a select2 widget: its changes are jQuery events, not DOM ones.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(this.group).on("change select2:select select2:clear", "select", redraw);
    }
    this.group.addEventListener("click", function (event) {
      var button = event.target.closest(".area-editor__pick");
      if (!button) return;
      event.preventDefault();
      var row = button.closest("tr.form-row");
      self.select(self.selected === row ? null : row);
    });

    this.decorate();
    this.render();
    this.say(this.label("status-ready"));
  };

  // ----- the inline's rows -----

  AreaEditor.prototype.rows = function () {
    return Array.prototype.filter.call(this.group.querySelectorAll("tr.form-row"), function (row) {
      return !row.classList.contains("empty-form") && row.id;
    });
  };

  AreaEditor.prototype.input = function (row, field) {
    return row.querySelector('[name="' + row.id + "-" + field + '"]');
  };

  AreaEditor.prototype.values = function (row) {
    var values = {};
    for (var i = 0; i < FIELDS.length; i++) {
      var input = this.input(row, FIELDS[i]);
      var value = input ? parseFloat(input.value) : NaN;
      if (!isFinite(value)) return null;
      values[FIELDS[i]] = value;
    }
    return values;
  };

  AreaEditor.prototype.article = function (row) {
    var select = this.input(row, "article");
    if (!select || !select.value) return { id: null, title: this.label("label-no-article") };
    var option = select.options[select.selectedIndex];
    return { id: select.value, title: option ? option.textContent.trim() : select.value };
  };

  AreaEditor.prototype.isDeleted = function (row) {
    var box = this.input(row, "DELETE");
    return Boolean(box && box.checked);
  };

  // Each row gets a "Redraw" button in its first cell (the one Django leaves for the row's name).
  AreaEditor.prototype.decorate = function () {
    var self = this;
    this.rows().forEach(function (row) {
      var cell = row.querySelector("td.original");
      if (!cell || cell.querySelector(".area-editor__pick")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "area-editor__pick";
      button.textContent = self.label("label-redraw");
      button.title = self.label("label-redraw-help");
      button.setAttribute("aria-pressed", "false");
      cell.insertBefore(button, cell.firstChild);
    });
  };

  AreaEditor.prototype.select = function (row) {
    this.selected = row;
    var rows = this.rows();
    rows.forEach(function (each) {
      var selected = each === row;
      each.classList.toggle("area-row--selected", selected);
      var button = each.querySelector(".area-editor__pick");
      if (button) button.setAttribute("aria-pressed", selected ? "true" : "false");
    });
    this.say(row ? this.label("status-redraw", rows.indexOf(row) + 1) : this.label("status-ready"));
    this.render();
  };

  AreaEditor.prototype.addRow = function () {
    var link = this.group.querySelector(".add-row a");
    if (!link || link.closest(".add-row").style.display === "none") return null;
    var added = null;
    var catcher = function (event) { added = event.target; };
    document.addEventListener("formset:added", catcher);
    link.click();
    document.removeEventListener("formset:added", catcher);
    if (added && added.matches && added.matches("tr.form-row")) return added;
    var rows = this.rows();
    return rows.length ? rows[rows.length - 1] : null;
  };

  AreaEditor.prototype.write = function (row, rect) {
    var self = this;
    FIELDS.forEach(function (field) {
      var input = self.input(row, field);
      if (!input) return;
      input.value = rect[field].toFixed(4);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  };

  AreaEditor.prototype.openPicker = function (row) {
    var select = this.input(row, "article");
    if (!select) return;
    row.scrollIntoView({ block: "nearest" });
    var $ = window.django && window.django.jQuery;
    if ($ && $(select).data("select2")) {
      $(select).select2("open");
    } else {
      select.focus();
    }
  };

  // ----- boxes -----

  AreaEditor.prototype.render = function () {
    var self = this;
    Array.prototype.forEach.call(this.layer.querySelectorAll(".area-editor__box--area"), function (box) {
      box.remove();
    });
    this.rows().forEach(function (row, index) {
      var area = self.values(row);
      if (!area || area.width <= 0 || area.height <= 0) return;
      var article = self.article(row);
      var box = document.createElement("div");
      var colour = article.id ? Number(article.id) % COLOURS : "none";
      box.className = "area-editor__box area-editor__box--area area-editor__box--c" + colour;
      if (row === self.selected) box.classList.add("area-editor__box--selected");
      if (self.isDeleted(row)) box.classList.add("area-editor__box--deleted");
      if (area.x < 0 || area.y < 0 || area.x + area.width > 1.000001 || area.y + area.height > 1.000001) {
        box.classList.add("area-editor__box--outside");
      }
      self.place(box, area);
      box.dataset.row = row.id;
      var label = document.createElement("span");
      label.className = "area-editor__label";
      label.textContent = index + 1 + " · " + article.title;
      box.appendChild(label);
      self.layer.insertBefore(box, self.draft);
    });
  };

  AreaEditor.prototype.place = function (box, area) {
    // CSSOM properties, not a style attribute: allowed by a Content-Security-Policy without 'unsafe-inline'.
    box.style.left = area.x * 100 + "%";
    box.style.top = area.y * 100 + "%";
    box.style.width = area.width * 100 + "%";
    box.style.height = area.height * 100 + "%";
  };

  // ----- dragging -----

  AreaEditor.prototype.point = function (event) {
    var frame = this.layer.getBoundingClientRect();
    return {
      x: clamp((event.clientX - frame.left) / frame.width),
      y: clamp((event.clientY - frame.top) / frame.height),
    };
  };

  AreaEditor.prototype.rectangle = function (a, b) {
    var x = round4(Math.min(a.x, b.x));
    var y = round4(Math.min(a.y, b.y));
    return {
      x: x,
      y: y,
      width: floor4(Math.min(Math.abs(b.x - a.x), 1 - x)),
      height: floor4(Math.min(Math.abs(b.y - a.y), 1 - y)),
    };
  };

  AreaEditor.prototype.pointerDown = function (event) {
    if (event.button !== 0) return;
    event.preventDefault();
    this.layer.setPointerCapture(event.pointerId);
    this.drag = { id: event.pointerId, from: this.point(event) };
    this.place(this.draft, { x: this.drag.from.x, y: this.drag.from.y, width: 0, height: 0 });
    this.draft.hidden = false;
  };

  AreaEditor.prototype.pointerMove = function (event) {
    if (!this.drag || event.pointerId !== this.drag.id) return;
    this.place(this.draft, this.rectangle(this.drag.from, this.point(event)));
  };

  AreaEditor.prototype.cancelDrag = function () {
    this.drag = null;
    if (this.draft) this.draft.hidden = true;
  };

  AreaEditor.prototype.pointerUp = function (event) {
    if (!this.drag || event.pointerId !== this.drag.id) return;
    var to = this.point(event);
    var rect = this.rectangle(this.drag.from, to);
    this.cancelDrag();
    if (rect.width < MIN_SIZE || rect.height < MIN_SIZE) {
      this.clickAt(to);
      return;
    }
    var rows = this.rows();
    var row = this.selected;
    if (row) {
      this.write(row, rect);
      this.select(null);
      this.say(this.label("status-updated", rows.indexOf(row) + 1));
      return;
    }
    row = this.addRow();
    if (!row) {
      this.say(this.label("status-full"));
      return;
    }
    this.write(row, rect);
    this.render();
    this.say(this.label("status-drawn", this.rows().indexOf(row) + 1));
    this.openPicker(row);
  };

  // A click on the page selects the smallest area under it (areas may nest), or clears the selection.
  AreaEditor.prototype.clickAt = function (point) {
    var self = this;
    var best = null;
    var bestSize = Infinity;
    this.rows().forEach(function (row) {
      var area = self.values(row);
      if (!area) return;
      var inside = point.x >= area.x && point.x <= area.x + area.width &&
        point.y >= area.y && point.y <= area.y + area.height;
      if (inside && area.width * area.height < bestSize) {
        best = row;
        bestSize = area.width * area.height;
      }
    });
    this.select(best === this.selected ? null : best);
  };

  function init() {
    var root = document.getElementById("area-editor");
    if (root) new AreaEditor(root).start();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
