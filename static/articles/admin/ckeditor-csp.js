/* CKEditor 4 under the admin's Content-Security-Policy, which allows no inline script: no event-handler
 * attributes, no <script> without src (newsroom/settings.py, ADMIN_CONTENT_SECURITY_POLICY).
 *
 * CKEditor 4 writes its toolbar, combos, panels, menus and dialogs as HTML strings with handlers such as
 * onclick="CKEDITOR.tools.callFunction(12,this);return false;". Chromium checks the policy when such an
 * attribute is parsed, so the handlers have to go before the HTML is: this script, loaded after ckeditor.js
 * and before any editor is built,
 *
 * 1. rewrites the HTML CKEditor parses (CKEDITOR.dom.element#setHtml, which createFromHtml and appendHtml
 *    use, and CKEDITOR.dom.document#write, which fills the panels' iframes): an on<event> attribute whose
 *    code is one of CKEditor's own forms (see `compile`) becomes data-cke-csp-on<event>;
 * 2. runs those handlers from real listeners: one capturing listener per event type on each document the
 *    editor writes to binds, on first use, a listener to each element of the event's path that carries
 *    data-cke-csp-on<type>; the listener calls CKEDITOR.tools.callFunction with `this`, `event`, numbers and
 *    strings as written, and a false result cancels the event, as `return false` did. Code in any other form
 *    is left alone (the policy blocks it, and the browser reports it).
 * 3. writes the image dialog's upload form (Upload tab) without its trailing inline <script>, and makes the
 *    two calls that script made from here.
 *
 * Nothing in the edited text is touched: CKEditor already renames on* attributes in content to
 * data-cke-pa-on*, and no handler inside the editing area is ever run.
 */
(function () {
  "use strict";
  if (!window.CKEDITOR || !CKEDITOR.dom) return;

  var PREFIX = "data-cke-csp-";
  var EVENTS = [
    "click", "dblclick", "contextmenu", "mousedown", "mouseup", "mouseover", "mouseout",
    "keydown", "keypress", "keyup", "focus", "blur", "dragstart",
  ];
  var ON_EVENT = new RegExp("^on(" + EVENTS.join("|") + ")$", "i");

  // --- the handler code CKEditor writes, compiled once per distinct string ----------------------------

  // Tokens: 1 a number, 2 and 3 a quoted string, 4 a dotted name, 5 punctuation.
  var TOKEN = /\s*(?:(\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([A-Za-z_$][\w$.]*)|([(),;=]))/y;
  var CALL = /^(?:window\.parent\.)?CKEDITOR\.tools\.callFunction$/;
  var compiled = Object.create(null);

  function unescapeJs(text) {
    return text.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, function (match, code) {
      if (code.length > 1) return String.fromCharCode(parseInt(code.slice(1), 16));
      return { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", v: "\v", 0: "\0" }[code] || code;
    });
  }

  function tokenize(code) {
    var tokens = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < code.length) {
      if (/^\s*$/.test(code.slice(TOKEN.lastIndex))) break;
      var start = TOKEN.lastIndex;
      var match = TOKEN.exec(code);
      if (!match || TOKEN.lastIndex === start) return null;
      if (match[1] !== undefined) tokens.push({ value: Number(match[1]) });
      else if (match[2] !== undefined) tokens.push({ value: unescapeJs(match[2]) });
      else if (match[3] !== undefined) tokens.push({ value: unescapeJs(match[3]) });
      else if (match[4] !== undefined) tokens.push({ name: match[4] });
      else tokens.push({ punct: match[5] });
    }
    return tokens;
  }

  // A value: a literal, `this`, `event`, or CKEDITOR.tools.callFunction(<number>, value, ...), not nested.
  function parseValue(tokens, at, inCall) {
    var token = tokens[at];
    if (!token) return null;
    if ("value" in token) return { next: at + 1, run: function () { return token.value; } };
    var name = token.name;
    if (name === "this") return { next: at + 1, run: function (element) { return element; } };
    if (name === "event") return { next: at + 1, run: function (element, event) { return event; } };
    if (name === "null" || name === "true" || name === "false") {
      var constant = { null: null, true: true, false: false }[name];
      return { next: at + 1, run: function () { return constant; } };
    }
    if (inCall || !CALL.test(name || "") || !tokens[at + 1] || tokens[at + 1].punct !== "(") return null;
    if (!tokens[at + 2] || typeof tokens[at + 2].value !== "number") return null;
    var args = [];
    at += 2;
    while (!(tokens[at] && tokens[at].punct === ")")) {
      if (args.length && !(tokens[at] && tokens[at].punct === ",")) return null;
      if (args.length) at += 1;
      var arg = parseValue(tokens, at, true);
      if (!arg) return null;
      args.push(arg.run);
      at = arg.next;
    }
    return {
      next: at + 1,
      run: function (element, event) {
        var values = args.map(function (arg) { return arg(element, event); });
        return CKEDITOR.tools.callFunction.apply(CKEDITOR.tools, values);
      },
    };
  }

  // Statements: `return <value>`, `<value>`, and Gecko's repaint hack this.style.cssText = this.style.cssText.
  function compile(code) {
    if (code in compiled) return compiled[code];
    var tokens = tokenize(code);
    var statements = [];
    var at = 0;
    while (tokens && at < tokens.length) {
      if (tokens[at].punct === ";") { at += 1; continue; }
      var returns = tokens[at].name === "return";
      if (returns) at += 1;
      var statement = null;
      var token = tokens[at];
      if (!returns && token && token.name === "this.style.cssText" && tokens[at + 1] &&
          tokens[at + 1].punct === "=" && tokens[at + 2] && tokens[at + 2].name === "this.style.cssText") {
        statement = {
          next: at + 3,
          run: function (element) { element.style.cssText = element.style.cssText; },
        };
      } else {
        statement = parseValue(tokens, at);
      }
      if (!statement || (tokens[statement.next] && tokens[statement.next].punct !== ";")) {
        tokens = null;
        break;
      }
      statements.push({ returns: returns, run: statement.run });
      at = statement.next;
    }
    var program = null;
    if (tokens && statements.length) {
      program = function (element, event) {
        for (var i = 0; i < statements.length; i++) {
          var result = statements[i].run(element, event);
          if (statements[i].returns) return result;
        }
      };
    } else if (window.console) {
      console.warn("ckeditor-csp: inline handler left as it is (not a CKEditor form):", code);
    }
    compiled[code] = program;
    return program;
  }

  // --- 1. rewriting the HTML before it is parsed --------------------------------------------------------

  // A linear scan of start tags, attribute by attribute, as the HTML parser reads them (CKEditor writes some
  // attributes without a space between them: aria-disabled="true"aria-pressed="false").
  var TAG_START = /<([a-zA-Z][^\s\/>]*)/g;
  var ATTRIBUTE = /\s*([^\s"'>\/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/y;
  var TAG_END = /\s*\/?>/y;
  var MAY_HAVE_HANDLERS = /\son[a-z]+\s*=|javascript:void\(0\)/i;

  function decodeAttribute(raw) {
    var quoted = raw.charAt(0) === '"' || raw.charAt(0) === "'";
    var text = quoted ? raw.slice(1, -1) : raw;
    return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|quot|apos|lt|gt);/g, function (match, entity) {
      if (entity.charAt(1) === "x") return String.fromCharCode(parseInt(entity.slice(2), 16));
      if (entity.charAt(0) === "#") return String.fromCharCode(parseInt(entity.slice(1), 10));
      return { amp: "&", quot: '"', apos: "'", lt: "<", gt: ">" }[entity];
    });
  }

  // What becomes of one attribute: "rename" (a handler in CKEditor's forms), "drop", or "keep".
  function verdict(tag, name, value) {
    if (value === undefined) return "keep";
    // The dialogs' file-input iframe starts at javascript:void(0), which the policy blocks; without a src it
    // stays on about:blank, the same empty, same-origin page.
    if (tag === "iframe" && name === "src" && decodeAttribute(value) === "javascript:void(0)") return "drop";
    var handler = ON_EVENT.test(name) || (tag === "body" && name === "onload");
    return handler && compile(decodeAttribute(value)) ? "rename" : "keep";
  }

  function rewrite(html) {
    if (typeof html !== "string" || !MAY_HAVE_HANDLERS.test(html)) return html;
    var out = [];
    var copied = 0;
    var tag;
    TAG_START.lastIndex = 0;
    while ((tag = TAG_START.exec(html))) {
      var at = TAG_START.lastIndex;
      for (;;) {
        TAG_END.lastIndex = at;
        if (TAG_END.test(html)) { at = TAG_END.lastIndex; break; }
        ATTRIBUTE.lastIndex = at;
        var attribute = ATTRIBUTE.exec(html);
        if (!attribute) break; // not a tag the scan understands: the browser gets it as it is
        var nameAt = at + attribute[0].search(/\S/);
        var action = verdict(tag[1].toLowerCase(), attribute[1].toLowerCase(), attribute[2]);
        if (action === "rename") {
          out.push(html.slice(copied, nameAt), PREFIX);
          copied = nameAt;
        } else if (action === "drop") {
          out.push(html.slice(copied, nameAt));
          copied = ATTRIBUTE.lastIndex;
        }
        at = ATTRIBUTE.lastIndex;
      }
      TAG_START.lastIndex = at;
    }
    if (!out.length) return html;
    out.push(html.slice(copied));
    return out.join("");
  }

  // --- 2. running the rewritten handlers ----------------------------------------------------------------

  var bound = new WeakMap();

  function run(element, event) {
    // Never anything inside the text being edited, where no handler of CKEditor's own lives.
    if (element.closest(".cke_editable, [contenteditable]")) return;
    var program = compile(element.getAttribute(PREFIX + "on" + event.type) || "");
    if (program && program.call(null, element, event) === false) event.preventDefault();
  }

  function onElement(event) {
    if (event.currentTarget.hasAttribute(PREFIX + "on" + event.type)) run(event.currentTarget, event);
  }

  // Capturing, on the document: before the event reaches the elements, each element of its path that has a
  // handler of this type gets a real listener, which then runs in its own turn (target, then bubbling).
  function bindPath(event) {
    var attribute = PREFIX + "on" + event.type;
    for (var node = event.target; node && node.nodeType === 1; node = node.parentNode) {
      if (!node.hasAttribute(attribute)) continue;
      var types = bound.get(node);
      if (!types) bound.set(node, (types = {}));
      if (!types[event.type]) {
        types[event.type] = true;
        node.addEventListener(event.type, onElement);
      }
    }
  }

  // The same function each time, so listening twice to one document adds nothing; document.open() removes
  // them, and CKEDITOR.dom.document#write (below) listens again after every write.
  function listen(doc) {
    for (var i = 0; i < EVENTS.length; i++) doc.addEventListener(EVENTS[i], bindPath, true);
  }

  // The panels' iframe documents call their body's onload when written; Chromium fires it inside close().
  function runBodyOnload(doc) {
    var body = doc.body;
    if (!body || !body.hasAttribute(PREFIX + "onload")) return;
    var program = compile(body.getAttribute(PREFIX + "onload"));
    if (!program) return;
    var done = false;
    var once = function (event) {
      if (done) return;
      done = true;
      program.call(null, body, event || null);
    };
    if (doc.readyState === "complete") once(null);
    else doc.defaultView.addEventListener("load", once);
  }

  var setHtml = CKEDITOR.dom.element.prototype.setHtml;
  CKEDITOR.dom.element.prototype.setHtml = function (html) {
    var rewritten = rewrite(html);
    if (rewritten !== html) listen(this.getDocument().$);
    return setHtml.call(this, rewritten);
  };

  var write = CKEDITOR.dom.document.prototype.write;
  CKEDITOR.dom.document.prototype.write = function (html) {
    var result = write.call(this, rewrite(html));
    listen(this.$);
    runBodyOnload(this.$);
    return result;
  };

  listen(document);

  // --- 3. the dialogs' upload form ------------------------------------------------------------------------

  // CKEDITOR.ui.dialog.file#reset writes the form into its iframe followed by an inline <script> that calls
  // back formLoadedNumber (the form is ready) and, on unload, formUnloadNumber. The script is cut off and
  // those calls made from here; the iframe's document is the same object before and after open().
  function patchFileInput() {
    var file = CKEDITOR.ui.dialog && CKEDITOR.ui.dialog.file;
    if (!file || file.prototype.reset.cspSafe) return;
    var reset = file.prototype.reset;
    file.prototype.reset = function () {
      var input = this;
      var frame = CKEDITOR.document.getById(this._.frameId);
      var doc = frame && frame.$.contentWindow && frame.$.contentWindow.document;
      if (doc) {
        doc.write = function (html) {
          var script = html.lastIndexOf("<script>");
          Document.prototype.write.call(doc, script < 0 ? html : html.slice(0, script));
          if (script < 0) return;
          doc.defaultView.addEventListener("beforeunload", function () {
            CKEDITOR.tools.callFunction(input.formUnloadNumber);
          });
          CKEDITOR.tools.callFunction(input.formLoadedNumber);
        };
      }
      return reset.apply(this, arguments);
    };
    file.prototype.reset.cspSafe = true;
  }

  patchFileInput();
  CKEDITOR.on("instanceLoaded", patchFileInput);
  CKEDITOR.on("dialogDefinition", patchFileInput);
})();
