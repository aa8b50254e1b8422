"""The one declaration of the meeting file and what derives from it: the JSON Schema, the
README's key tables, the generic checks' key lists.

After changing a key's docs: `python -m pytest tests/test_schema.py --regen-golden`
rewrites the shipped schema file and the README's tables.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from referatgen.meetingfile import schema

from .conftest import EXAMPLES, ROOT, run_referatgen

jsonschema = pytest.importorskip("jsonschema")
SHIPPED = ROOT / "referatgen" / "meetingfile" / schema.SCHEMA_FILE


def _as_editor_reads_it(value: Any) -> Any:
    # yaml-language-server reads YAML 1.2's core schema: an unquoted 2022-09-05 is a string.
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _as_editor_reads_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_reads_it(v) for v in value]
    return value


def _yaml(text: str) -> Any:
    from ruamel.yaml import YAML

    return _as_editor_reads_it(YAML(typ="safe").load(text))


def _validator() -> Any:
    return jsonschema.Draft202012Validator(schema.json_schema())


def test_the_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(schema.json_schema())


def test_the_shipped_file_is_current(regen_golden: bool) -> None:
    if regen_golden:
        SHIPPED.write_text(schema.schema_text(), "utf-8")
    assert SHIPPED.read_text("utf-8") == schema.schema_text()


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_yaml_example_is_accepted(example: str) -> None:
    errors = list(_validator().iter_errors(_yaml((EXAMPLES / example).read_text("utf-8"))))
    assert errors == []


def test_the_markdown_example_is_accepted_once_converted(tmp_path: Path) -> None:
    target = tmp_path / "byraadet.yaml"
    result = run_referatgen(["convert", str(EXAMPLES / "byraadet-2025-03-10.md"), "--to", "yaml",
                             "-o", str(target)])
    assert result.returncode == 0, result.stderr
    assert list(_validator().iter_errors(_yaml(target.read_text("utf-8")))) == []


@pytest.mark.parametrize(("path", "key"), [
    ((), "beslutnig"),
    (("punkter", 0), "beslutnig"),
    (("punkter", 0, "bilag", 0), "sti"),
    (("deltagere", 0), "titel"),
])
def test_an_unknown_key_is_refused(path: tuple[Any, ...], key: str) -> None:
    data = _yaml((EXAMPLES / "htk-direktionen-2022-09-05.yaml").read_text("utf-8"))
    data["deltagere"][0] = {"navn": "A"}
    data["punkter"][0]["bilag"] = [{"titel": "B"}]
    target = data
    for step in path:
        target = target[step]
    target[key] = "x"
    errors = list(_validator().iter_errors(data))
    assert len(errors) == 1
    # Under anyOf (a bilag, a person) the reason is among the alternatives' errors.
    reasons, todo = [], [errors[0]]
    while todo:
        error = todo.pop()
        reasons.append(error)
        todo += error.context
    assert any("Additional properties" in e.message and repr(key) in e.message for e in reasons)


@pytest.mark.parametrize(("change", "value"), [
    ("dato", "05-09-2022"), ("tid", "kl. 10"), ("type", "protokol"), ("første_punkt", "to"),
])
def test_a_wrong_value_is_refused(change: str, value: str) -> None:
    data = _yaml((EXAMPLES / "htk-direktionen-2022-09-05.yaml").read_text("utf-8"))
    data[change] = value
    assert list(_validator().iter_errors(data))


def test_every_key_has_danish_and_english_docs() -> None:
    for keys in schema.README_TABLES.values():
        for key in keys:
            assert key.da.strip() and key.en.strip(), key.name
            assert not key.required or key.hint or keys is schema.PERSON, key.name
    described = json.dumps(schema.json_schema(), ensure_ascii=False)
    assert all(k.da in described for k in schema.ITEM)


def _readme_table(readme: str, heading: str) -> str:
    match = re.search(rf"^### {re.escape(heading)}\n\n((?:\|.*\n)+)", readme, re.M)
    assert match, f"README has no table under '### {heading}'"
    return match.group(1)


def test_the_readme_tables_are_the_declaration(regen_golden: bool) -> None:
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text("utf-8")
    for heading, keys in schema.README_TABLES.items():
        table = _readme_table(readme, heading)
        if regen_golden:
            readme = readme.replace(table, schema.readme_table(keys))
        else:
            assert table == schema.readme_table(keys), heading
    if regen_golden:
        readme_path.write_text(readme, "utf-8")


def test_the_derived_key_lists() -> None:
    assert schema.MEETING_KEYS[-1] == "punkter"
    assert schema.SECTION_KEYS == ("resume", "baggrund", "indstilling", "behandling",
                                   "beslutning", "sagsfremstilling", "økonomi", "bilag")
    assert set(schema.TEXT_SECTIONS) < set(schema.SECTION_KEYS)
    assert schema.MD_ITEM_KEYS == ("sagsnr", "lukket", "offentlig_titel", "fast", "deltog_ikke")


def test_schema_command_writes_the_file(tmp_path: Path) -> None:
    result = run_referatgen(["schema"])
    assert result.returncode == 0 and json.loads(result.stdout) == schema.json_schema()
    target = tmp_path / "moede.schema.json"
    result = run_referatgen(["schema", "-o", str(target)])
    assert result.returncode == 0, result.stderr
    assert target.read_text("utf-8") == schema.schema_text()
