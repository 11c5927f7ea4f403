"""Fill in admin forms the way a browser does: read the form from the page, change some fields, post it.

Reading the real form (its inputs, selected options, inline management forms) keeps these tests independent of
how the admin is laid out, and a POST carries exactly what a browser would send.
"""

from __future__ import annotations

from html.parser import HTMLParser

SKIPPED_INPUT_TYPES = {"submit", "button", "image", "file", "reset"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.depth = 0
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None
        self._select_values: list[str] = []
        self._first_option: str | None = None
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""
        self._textarea: str | None = None
        self._textarea_text = ""

    def _add(self, name: str, value: str):
        if "__prefix__" in name:  # the hidden template of an inline's "add another" row
            return
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            if not self.in_form and (self.form_id is None or attributes.get("id") == self.form_id):
                self.in_form = True
            return
        if not self.in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in SKIPPED_INPUT_TYPES:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self._add(name, attributes.get("value") or "on")
                return
            self._add(name, attributes.get("value") or "")
        elif tag == "select" and name:
            self._select = (name, "multiple" in attributes)
            self._select_values, self._first_option = [], None
        elif tag == "option" and self._select:
            self._option_value = attributes.get("value")
            self._option_selected = "selected" in attributes
            self._option_text = ""
        elif tag == "textarea" and name:
            self._textarea, self._textarea_text = name, ""

    def _close_option(self):
        if self._select and (self._option_value is not None or self._option_text):
            value = self._option_value if self._option_value is not None else self._option_text.strip()
            if self._first_option is None:
                self._first_option = value
            if self._option_selected:
                self._select_values.append(value)
        self._option_value, self._option_selected, self._option_text = None, False, ""

    def handle_endtag(self, tag):
        if not self.in_form:
            return
        if tag == "form":
            self.in_form = False
        elif tag == "option":
            self._close_option()
        elif tag == "select" and self._select:
            self._close_option()
            name, multiple = self._select
            values = self._select_values or (
                [] if multiple or self._first_option is None else [self._first_option]
            )
            for value in values:
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = self._textarea_text
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea_text += data
        elif self._select:
            self._option_text += data


def read_form(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    reader = _FormReader(form_id)
    reader.feed(html)
    reader.close()
    return reader.data


def admin_form_data(client, url: str, form_id: str | None = None) -> dict:
    """The data a browser would post from the admin form at `url`, as a dict for the test client."""
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    data = read_form(response.content.decode(), form_id)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def form_errors(response) -> dict:
    """Field errors of the admin form (and its inline formsets) from a re-rendered form page, with codes."""
    errors = {}
    context = response.context
    if context is None:
        return errors
    adminform = context.get("adminform")
    if adminform is not None:
        for field, items in adminform.form.errors.as_data().items():
            errors[field] = [(item.code, " ".join(item.messages)) for item in items]
    for formset in context.get("inline_admin_formsets", []) or []:
        for index, form in enumerate(formset.formset.forms):
            for field, items in form.errors.as_data().items():
                errors[f"{formset.formset.prefix}-{index}-{field}"] = [
                    (item.code, " ".join(item.messages)) for item in items
                ]
    return errors


def post_admin_form(client, url: str, changes: dict, form_id: str | None = None, expect_saved: bool = True):
    """Post the form at `url` with `changes`; when `expect_saved`, assert the admin redirected (saved)."""
    data = admin_form_data(client, url, form_id)
    data.update(changes)
    data.setdefault("_save", "Save")
    response = client.post(url, data)
    if expect_saved:
        assert response.status_code == 302, f"not saved: {form_errors(response) or response.status_code}"
    return response
