"""Small builders for WordprocessingML elements, on python-docx's own XML classes.

python-docx has no API for fields, bookmarks, hyperlinks or footnotes, so those are
written as elements; building them with python-docx's parser keeps one element class
family in the tree, which its own methods (headers, pictures) expect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import cast

from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement

Element = BaseOxmlElement

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# XML 1.0 forbids most control characters; meeting text is untrusted and lxml would
# refuse the whole document over one stray \x0b pasted from another program.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _ILLEGAL.sub("", text)


def el(tag: str, attrs: Mapping[str, str] | None = None,
       children: Iterable[Element] = ()) -> Element:
    """An element `w:tag` with prefixed attribute names, e.g. el("w:jc", {"w:val": "left"})."""
    element = cast(Element, OxmlElement(tag))
    if attrs:
        for key, value in attrs.items():
            element.set(key if key.startswith("{") else qn(key), value)
    for child in children:
        element.append(child)
    return element


def sub(parent: Element, tag: str, attrs: Mapping[str, str] | None = None) -> Element:
    child = el(tag, attrs)
    parent.append(child)
    return child


def val(tag: str, value: str) -> Element:
    return el(tag, {"w:val": value})


def text_element(text: str) -> Element:
    t = el("w:t")
    t.text = clean(text)
    if t.text != t.text.strip() or "  " in t.text:
        t.set(XML_SPACE, "preserve")
    return t


def run(text: str = "", props: Iterable[Element] = ()) -> Element:
    """A run of text; tabs and line feeds become Word's own tab and break elements."""
    r = el("w:r")
    props = list(props)
    if props:
        r.append(el("w:rPr", children=props))
    parts = re.split(r"(\t|\n)", text)
    for part in parts:
        if part == "\t":
            r.append(el("w:tab"))
        elif part == "\n":
            r.append(el("w:br"))
        elif part:
            r.append(text_element(part))
    return r


def paragraph(style_id: str | None = None, props: Iterable[Element] = ()) -> Element:
    p = el("w:p")
    props = list(props)
    if style_id is not None or props:
        ppr = sub(p, "w:pPr")
        if style_id is not None:
            ppr.append(val("w:pStyle", style_id))
        for prop in props:
            ppr.append(prop)
    return p


def field(instruction: str, cached: str) -> list[Element]:
    """The runs of a complex field: begin, instruction, separate, cached result, end.

    The result run is the fourth, for callers that rewrite the cached value later.
    """
    instr = el("w:instrText", {XML_SPACE: "preserve"})
    instr.text = f" {instruction} "
    return [
        el("w:r", children=[el("w:fldChar", {"w:fldCharType": "begin"})]),
        el("w:r", children=[instr]),
        el("w:r", children=[el("w:fldChar", {"w:fldCharType": "separate"})]),
        el("w:r", children=[text_element(cached)]),
        el("w:r", children=[el("w:fldChar", {"w:fldCharType": "end"})]),
    ]
