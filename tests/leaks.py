"""Looking for a marker everywhere an output could carry it.

"Nowhere" means: the text extracted from a PDF, and the marker's UTF-8, UTF-16BE and hex
forms in every decompressed PDF object (streams, strings in dictionaries and arrays at any
depth: the XMP, the outline, attachment names); every part of a DOCX package; any other
file's bytes (HTML, the archive's index and manifest, `find`'s output).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pikepdf


def forms(marker: str) -> list[bytes]:
    """The byte forms a marker can take inside a file."""
    utf8 = marker.encode("utf-8")
    utf16 = marker.encode("utf-16-be")
    out = [utf8, utf16]
    for raw in (utf8, utf16):
        out += [raw.hex().encode("ascii"), raw.hex().upper().encode("ascii")]
    return out


def _pdf_values(value: object, seen: set[tuple[int, int]]) -> Iterator[bytes]:
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        key = value.objgen
        if key in seen:
            return
        seen.add(key)
    if isinstance(value, pikepdf.String):
        yield bytes(value)
        yield str(value).encode("utf-8", "replace")
    elif isinstance(value, pikepdf.Stream):
        try:
            yield value.read_bytes()
        except pikepdf.PdfError:
            yield value.read_raw_bytes()
        for item in value.stream_dict.values():
            yield from _pdf_values(item, seen)
    elif isinstance(value, pikepdf.Dictionary):
        for key, item in value.items():
            yield key.encode("utf-8", "replace")
            yield from _pdf_values(item, seen)
    elif isinstance(value, pikepdf.Array):
        for item in value:
            yield from _pdf_values(item, seen)
    elif isinstance(value, pikepdf.Name):
        yield str(value).encode("utf-8", "replace")


def pdf_chunks(data: bytes) -> list[bytes]:
    """The file, every object decoded, the XMP, the outline titles and the page text."""
    chunks = [data]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        seen: set[tuple[int, int]] = set()
        for obj in pdf.objects:
            chunks += list(_pdf_values(obj, seen))
        chunks += list(_pdf_values(pdf.trailer, seen))
        with pdf.open_outline() as outline:
            todo = list(outline.root)
            while todo:
                entry = todo.pop()
                chunks.append(entry.title.encode("utf-8"))
                todo += list(entry.children)
        chunks.append(str(pdf.open_metadata()).encode("utf-8"))
        chunks += [name.encode("utf-8") for name in pdf.attachments]
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    chunks += [(page.extract_text() or "").encode("utf-8") for page in reader.pages]
    return chunks


def docx_chunks(data: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [name.encode("utf-8") for name in package.namelist()] + [
            package.read(name) for name in package.namelist()]


def chunks_of(name: str, data: bytes) -> list[bytes]:
    if name.endswith(".pdf"):
        return pdf_chunks(data)
    if name.endswith(".docx"):
        return docx_chunks(data)
    return [data]


def found_in(name: str, data: bytes, marker: str) -> bool:
    wanted = forms(marker)
    return any(form in chunk for chunk in chunks_of(name, data) for form in wanted)


def leaks(folder: Path, marker: str) -> list[str]:
    """Every file below `folder` (its name included) where the marker stands."""
    out = []
    for path in sorted(folder.rglob("*")):
        if marker in str(path.relative_to(folder)):
            out.append(f"{path.relative_to(folder)} (the name)")
        elif path.is_file() and found_in(path.name, path.read_bytes(), marker):
            out.append(str(path.relative_to(folder)))
    return out
