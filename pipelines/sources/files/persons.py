"""Which applicants are natural persons, whose names are never stored.

Registers name who received a subsidy: mostly organisations, sometimes a private person. Amsterdam marks them
``(Particulier)``; most registers do not, and print the name. The rule, per cell (``natural_person`` in a mapping
file sets the markers and word lists):

1. a *marker* (``(Particulier)``, ``particulier``, ``privé``, ...) is a natural person;
2. otherwise the cell is a person's name when it has the shape of one and nothing that makes it an organisation's:
   - shape: 2 to 6 words, each a name word (letters, with ``'``, ``-`` or a final ``.``), initials (``J.``,
     ``J.P.``) or ``&``; e.g. ``J. de Vries``, ``Piet Persoonsnaam``, ``Dhr. A.B. van den Berg``,
     ``J. & M. Jansen-Smit``;
   - no digit (a KvK number, a house number: an organisation or an address);
   - no organisation word as a whole word (``Stichting``, ``Vereniging``, ``Coöperatie``, ``VvE``, ``school``,
     ...; dots, accents and case ignored), no legal form as the last word (``B.V.``, ``V.O.F.``, ``U.A.``: as
     first words they may be initials), no abbreviation as the first word in its exact spelling (``St.``: a
     stichting; ``S.T.`` would be initials), and no longer word ending in an organisation suffix
     (``Woonstichting``, ``Ondernemersvereniging``, ``Taxibedrijf``).

When in doubt a name is not stored: an organisation whose name looks like a person's (``Humanitas Zwolle``) is
loaded without its name and counted as a private applicant; add a word to ``organisation_words`` to keep it.
A natural person's row is loaded with the applicant empty and ``<column>_is_particulier`` true.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from pipelines.sql import literal

NAME_WORD = r"['’]?\p{L}[\p{L}'’-]*\.?,?|&"


@dataclass(frozen=True)
class NaturalPersonRule:
    markers: tuple[str, ...]  # lower case
    organisation_words: tuple[str, ...]  # compared without case, accents and dots
    legal_forms: tuple[str, ...]
    abbreviations: tuple[str, ...]  # case-sensitive, without their dot
    organisation_suffixes: tuple[str, ...]

    @classmethod
    def from_mapping(cls, spec: dict) -> NaturalPersonRule:
        def words(key: str) -> tuple[str, ...]:  # as the cell is compared: lower case, no accents, no dots
            plain = (unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode() for w in spec.get(key, ()))
            return tuple(sorted({w.lower().replace(".", "") for w in plain}))

        return cls(
            markers=tuple(m.lower() for m in spec.get("markers", ())),
            organisation_words=words("organisation_words"),
            legal_forms=words("legal_forms"),
            abbreviations=tuple(a.rstrip(".") for a in spec.get("abbreviations", ())),
            organisation_suffixes=words("organisation_suffixes"),
        )


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(w.replace("\\", "\\\\") for w in words) or "(?!)"


def is_natural_person_sql(rule: NaturalPersonRule, cell: str) -> str:
    """A DuckDB boolean over a VARCHAR cell (NULL stays NULL)."""
    markers = ", ".join(literal(m) for m in rule.markers) or "NULL"
    plain = f"regexp_replace(lower(strip_accents({cell})), '[.]', '', 'g')"
    patterns = [
        (plain, r"(^|[^a-z])(" + _alternatives(rule.organisation_words) + r")([^a-z]|$)"),  # a whole word
        (plain, r"[^a-z](" + _alternatives(rule.legal_forms) + r")[^a-z]*$"),  # the last word
        (f"trim({cell})", r"^(" + _alternatives(rule.abbreviations) + r")\.?\s"),  # the first word, as spelled
        (plain, r"[a-z](" + _alternatives(rule.organisation_suffixes) + r")([^a-z]|$)"),  # the end of a longer word
    ]
    organisation = " OR ".join(f"regexp_matches({text}, {literal(pattern)})" for text, pattern in patterns)
    words = f"string_split_regex(trim(regexp_replace({cell}, '\\.', '. ', 'g')), '\\s+')"
    shaped = (
        f"len({words}) BETWEEN 2 AND 6 AND "
        f"list_bool_and(list_transform({words}, lambda w: regexp_full_match(w, {literal(NAME_WORD)})))"
    )
    return (
        f"(lower(trim({cell})) IN ({markers}) OR "
        f"({shaped} AND NOT regexp_matches({cell}, '[0-9]') AND NOT ({organisation})))"
    )
