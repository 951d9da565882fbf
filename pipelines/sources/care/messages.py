"""The iWmo and iJw 3.2 messages that are loaded, and where their facts sit.

Each message is one ``Bericht`` with a ``Header`` and one ``Client`` (301/305/307/315) or a declaration with many
clients (323/325). One row is produced per product line: ``ToegewezenProduct`` (301 allocation), ``StartProduct``
(305), ``StopProduct`` (307), ``AangevraagdProduct`` (315 request), ``Prestatie`` (323 invoice line, 325 rejected
invoice line). Paths are local element names below the product line (namespaces checked once, on the root).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NAMESPACE = re.compile(r"^http://www\.istandaarden\.nl/(iwmo|ijw)/3_2/(wmo|jw)(\d{3})/schema$")
LAWS = {"iwmo": "wmo", "ijw": "jeugd"}
PRODUCT = {"Categorie": "product_categorie", "Code": "product_code"}


@dataclass(frozen=True)
class MessageType:
    code: str  # 301, 305, ...
    line: str  # local name of the element that is one row
    from_gemeente: bool  # the gemeente sends it (301, 325) or receives it (305, 307, 315, 323)
    fields: dict[str, str]  # output field -> path below the line element
    leaves: dict[str, str] = field(init=False, repr=False, compare=False)  # last element name of a path -> field

    def __post_init__(self) -> None:
        """The line's fields are found in one pass over its elements, by the last name of their path; within a
        line element those names are unique (checked here)."""
        leaves = {path.rstrip("*").rsplit("/", 1)[-1]: name for name, path in self.fields.items()}
        if len(leaves) != len(self.fields):
            raise ValueError(f"message {self.code}: two fields end in the same element name")
        object.__setattr__(self, "leaves", leaves)


_INVOICE_LINE = {
    "referentie_nummer": "ProductReferentie/ReferentieNummer",
    "vorig_referentie_nummer": "ProductReferentie/VorigReferentieNummer",
    "toewijzing_nummer": "ToewijzingNummer",
    "product_categorie": "ProductCategorie",
    "product_code": "ProductCode",
    "begindatum": "ProductPeriode/Begindatum",
    "einddatum": "ProductPeriode/Einddatum",
    "volume": "GeleverdVolume",
    "eenheid": "Eenheid",
    "tarief_cent": "ProductTarief",
    "bedrag_cent": "IngediendBedrag/Bedrag",
    "debet_credit": "IngediendBedrag/DebetCredit",
}

MESSAGES = {
    "301": MessageType(
        "301",
        "ToegewezenProduct",
        True,
        {
            "toewijzing_nummer": "ToewijzingNummer",
            "product_categorie": "Product/Categorie",
            "product_code": "Product/Code",
            "begindatum": "Ingangsdatum",
            "einddatum": "Einddatum",
            "volume": "Omvang/Volume",
            "eenheid": "Omvang/Eenheid",
            "frequentie": "Omvang/Frequentie",
        },
    ),
    "305": MessageType(
        "305",
        "StartProduct",
        False,
        {
            "toewijzing_nummer": "ToewijzingNummer",
            "product_categorie": "Product/Categorie",
            "product_code": "Product/Code",
            "begindatum": "Begindatum",
            "status_aanlevering": "StatusAanlevering",
        },
    ),
    "307": MessageType(
        "307",
        "StopProduct",
        False,
        {
            "toewijzing_nummer": "ToewijzingNummer",
            "product_categorie": "Product/Categorie",
            "product_code": "Product/Code",
            "begindatum": "Begindatum",
            "einddatum": "Einddatum",
            "reden_beeindiging": "RedenBeeindiging",
            "status_aanlevering": "StatusAanlevering",
        },
    ),
    "315": MessageType(
        "315",
        "AangevraagdProduct",
        False,
        {
            "product_categorie": "Product/Categorie",
            "product_code": "Product/Code",
            "begindatum": "ToewijzingIngangsdatum",
            "einddatum": "ToewijzingEinddatum",
            "volume": "Omvang/Volume",
            "eenheid": "Omvang/Eenheid",
            "frequentie": "Omvang/Frequentie",
            "verwijzer_type": "Verwijzer/Type",
        },
    ),
    "323": MessageType("323", "Prestatie", False, _INVOICE_LINE),
    "325": MessageType("325", "Prestatie", True, {**_INVOICE_LINE, "retourcodes": "RetourCodes/RetourCode*"}),
}

# facts of the whole message, read before its lines: output field -> path below the root
MESSAGE_FIELDS = {
    "bericht_id": "Header/BerichtIdentificatie/Identificatie",
    "dagtekening": "Header/BerichtIdentificatie/Dagtekening",
    "afzender": "Header/Afzender",
    "ontvanger": "Header/Ontvanger",
}
DECLARATION_FIELDS = {  # below Declaratie (323) or DeclaratieAntwoord (325)
    "declaratie_nummer": "DeclaratieNummer",
    "totaal_bedrag_cent": "TotaalIngediendBedrag/TotaalBedrag",
    "totaal_debet_credit": "TotaalIngediendBedrag/DebetCredit",
}
