"""The meeting file's vocabulary: keys, section names and their Danish aliases.

Shared by the loaders, the model and `convert`, so a key is spelled in one place.
"""

from __future__ import annotations

MEETING_KEYS: tuple[str, ...] = (
    "type", "stil", "kommune", "organ", "dato", "tid", "sluttid", "sted",
    "deltagere", "afbud", "første_punkt", "punkter",
)

#: Section keys of an item, in the default order.
SECTION_KEYS: tuple[str, ...] = (
    "resume", "baggrund", "indstilling", "behandling", "beslutning",
    "sagsfremstilling", "økonomi", "bilag",
)

ITEM_KEYS: tuple[str, ...] = (
    "titel", "sagsnr", "lukket", "offentlig_titel", *SECTION_KEYS, "deltog_ikke", "afsnit",
)

#: Keys the Markdown format accepts on the lines right under an item heading.
MD_ITEM_KEYS: tuple[str, ...] = ("sagsnr", "lukket", "offentlig_titel", "deltog_ikke")

#: `## Heading` names (lower case) that mean a section key in the Markdown format, besides
#: the key itself and the headings the meeting's style uses.
SECTION_ALIASES: dict[str, str] = {
    "resumé": "resume",
    "resume og sagens baggrund": "resume",
    "sagens baggrund": "baggrund",
    "indstillinger": "indstilling",
    "økonomiske konsekvenser": "økonomi",
    "økonomiske konsekvenser og finansiering": "økonomi",
    "bilagsliste": "bilag",
}

TRUE_WORDS = frozenset({"true", "ja", "yes", "sand"})
FALSE_WORDS = frozenset({"false", "nej", "no", "falsk"})


def section_key_for_heading(heading: str) -> str | None:
    name = " ".join(heading.strip().rstrip(":").split()).lower()
    if name in SECTION_KEYS:
        return name
    return SECTION_ALIASES.get(name)
