"""Our own PDF/UA-1 checks, one per failure condition the PDF once had (Matterhorn
checkpoint in brackets). Each returns the problems it finds, empty when the file passes.

They read the file with pikepdf (structure, annotations, metadata) and pdfplumber (which
text is tagged with which MCID, in content order), independently of render/pdf_tags.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pikepdf


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(obj: Any) -> bool:
    return isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") not in ("/OBJR", "/MCR")


def elements(pdf: pikepdf.Pdf) -> Iterator[tuple[Any, Any]]:
    """(element, parent) for every structure element reachable from the root."""
    stack = [(kid, None) for kid in _kids(pdf.Root.StructTreeRoot)]
    while stack:
        element, parent = stack.pop(0)
        yield element, parent
        stack[0:0] = [(kid, element) for kid in _kids(element) if _is_element(kid)]


def _role(element: Any) -> str:
    return str(element.get("/S", ""))


def lists(pdf: pikepdf.Pdf) -> list[str]:
    """[16] An LI only in an L; an L holds only LI, L and Caption."""
    problems = []
    for element, parent in elements(pdf):
        if _role(element) == "/LI" and (parent is None or _role(parent) != "/L"):
            problems.append(f"LI under {_role(parent) if parent is not None else 'root'}")
        if _role(element) == "/L":
            problems += [f"{_role(kid)} in L" for kid in _kids(element)
                         if _is_element(kid) and _role(kid) not in ("/LI", "/L", "/Caption")]
    return problems


def links(pdf: pikepdf.Pdf) -> list[str]:
    """[28] Every link annotation is an OBJR of a Link element, and the parent tree says so."""
    owner: dict[tuple[int, int], str] = {}
    for element, _ in elements(pdf):
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                owner[kid.Obj.objgen] = _role(element)
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            if owner.get(annotation.objgen) != "/Link":
                problems.append(f"page {number}: link annotation under "
                                f"{owner.get(annotation.objgen, 'nothing')}")
            elif _role(parent_tree.get(int(annotation.get("/StructParent", -1)), {})) != "/Link":
                problems.append(f"page {number}: the parent tree does not lead to the Link")
    return problems


def _tagged_text(path: Path) -> list[list[tuple[int, str]]]:
    """Per page, the tagged characters in content order: (MCID, text)."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [[(int(c["mcid"]), str(c["text"])) for c in page.chars if c.get("mcid") is not None]
                for page in pdf.pages]


def artifacts(path: Path) -> list[str]:
    """[18] Running header, "Side X af Y" and leader dots are not tagged content."""
    problems = []
    with pikepdf.open(path) as pdf:
        header = None
        metadata = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        title = str(metadata.get("dc:title", ""))
    pages = _tagged_text(path)
    words = title.split()
    # The running header is the organ and the date: the title's words after the kind.
    header = " ".join(w for w in words[1:] if w != "d.")
    for number, chars in enumerate(pages, start=1):
        text = "".join(t for _, t in chars)
        if f"Side {number} af {len(pages)}" in text:
            problems.append(f"page {number}: the page number is tagged")
        if number > 1 and header and header in text:
            problems.append(f"page {number}: the running header is tagged")
        if re.search(r"\.{5,}", text):
            problems.append(f"page {number}: leader dots are tagged")
    return problems


def _structure_order(pdf: pikepdf.Pdf) -> dict[int, list[tuple[int, str]]]:
    """Page index -> (MCID, the roles of the elements holding it, innermost three) in the
    order of the structure tree, depth first, kids in order (artifacts are not in it)."""
    page_of = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    order: dict[int, list[tuple[int, str]]] = {}
    stack: list[tuple[Any, str, int]] = [(kid, "", -1) for kid in
                                         reversed(_kids(pdf.Root.StructTreeRoot))]
    while stack:
        kid, roles, page = stack.pop()
        if isinstance(kid, int):
            order.setdefault(page, []).append((kid, roles))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            own = kid.get("/Pg")
            order.setdefault(page_of[own.objgen] if own is not None else page, []).append(
                (int(kid.MCID), roles))
        elif _is_element(kid):
            own = kid.get("/Pg")
            page = page_of[own.objgen] if own is not None else page
            inside = "/".join([*roles.split("/")[-2:], _role(kid)[1:]]).lstrip("/")
            stack.extend((inner, inside, page) for inner in reversed(_kids(kid)))
    return order


def _painted_order(page: pikepdf.Page) -> list[int]:
    """The MCIDs of a page's marked content in the order its content stream paints it."""
    painted = []
    for instruction in pikepdf.parse_content_stream(page, "BDC"):
        operands = instruction.operands if isinstance(
            instruction, pikepdf.ContentStreamInstruction) else []
        properties = operands[1] if len(operands) > 1 else None
        if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
            painted.append(int(properties.MCID))
    return painted


def content_order(path: Path) -> list[str]:
    """[09] Every page paints its tagged content in the order of the structure tree: the
    order text extraction, copy-paste and indexers read it in."""
    problems = []
    with pikepdf.open(path) as pdf:
        tree = _structure_order(pdf)
        for index, page in enumerate(pdf.pages):
            painted = list(dict.fromkeys(_painted_order(page)))
            roles = dict(reversed(tree.get(index, [])))
            order = list(dict.fromkeys(mcid for mcid, _ in tree.get(index, [])))
            if painted != order:
                at = next((i for i, (a, b) in enumerate(zip(painted, order, strict=False))
                           if a != b), min(len(painted), len(order)))
                problems.append(
                    f"page {index + 1}: content order differs from the tree at {at}: painted "
                    f"{[(m, roles.get(m, '-')) for m in painted[at:at + 2]]}, tree "
                    f"{[(m, roles[m]) for m in order[at:at + 2]]}")
    return problems


def table_headers(pdf: pikepdf.Pdf) -> list[str]:
    """[15] Every TH has a Scope (or its cells name it in Headers); no TH is empty."""
    problems = []
    for element, _ in elements(pdf):
        if _role(element) != "/TH":
            continue
        attributes = element.get("/A")
        if not isinstance(attributes, pikepdf.Dictionary) or "/Scope" not in attributes:
            problems.append("TH without Scope")
        if not _kids(element):
            problems.append("empty TH")
    return problems


def identification(pdf: pikepdf.Pdf) -> list[str]:
    """[06, 07, 11] XMP claims PDF/UA-1 (with its PDF/A extension schema) and PDF/A;
    dc:title set and displayed; the language is Danish."""
    problems = []
    xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
    if not re.search(r'pdfuaid:part(="1"|>1<)', xmp):
        problems.append("no pdfuaid:part 1 in XMP")
    elif "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" not in xmp:
        problems.append("pdfuaid is not declared as a PDF/A extension schema")
    if "pdfaid:part" not in xmp:
        problems.append("no pdfaid:part in XMP")
    if "<dc:title>" not in xmp:
        problems.append("no dc:title")
    if not pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False):
        problems.append("DisplayDocTitle is not set")
    if str(pdf.Root.get("/Lang", "")) != "da":
        problems.append("the language is not da")
    return problems


def figures(pdf: pikepdf.Pdf) -> list[str]:
    """[13] Every Figure has alternative text."""
    return ["Figure without Alt" for element, _ in elements(pdf)
            if _role(element) == "/Figure" and not str(element.get("/Alt", "")).strip()]


#: The structural checks (read from an open pikepdf.Pdf) and the text checks (a path).
STRUCTURE: dict[str, Callable[[pikepdf.Pdf], list[str]]] = {
    "lists": lists, "links": links, "table_headers": table_headers,
    "identification": identification, "figures": figures,
}
TEXT: dict[str, Callable[[Path], list[str]]] = {
    "artifacts": artifacts, "content_order": content_order,
}


def problems(path: Path, check: str) -> list[str]:
    if check in TEXT:
        return TEXT[check](path)
    with pikepdf.open(path) as pdf:
        return STRUCTURE[check](pdf)
