"""Stream an iWmo/iJw 3.2 message (301, 305, 307, 315, 323, 325) into Arrow batches with lxml ``iterparse``.

Memory stays bounded: each product line is turned into a row as soon as its element ends and is then cleared;
a client, with its lines, is freed when it ends. Rows are collected as columns (Arrow batches handed to DuckDB),
not as objects per line. The facts of the message (header, declaration) and of the client (BSN, birth year,
postcode) are kept while their lines stream by. Client names, addresses other than the postcode, relations
and free-text comments are never read. The BSN leaves this module only inside a batch that validation turns
into a pseudonym before anything is stored (validate.py); the birth date is reduced to the year here.

Amounts stay in euro cents as in the message (fields ``*_cent``); validation converts them to euros.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
from lxml import etree

from pipelines.sources.care.messages import DECLARATION_FIELDS, LAWS, MESSAGE_FIELDS, MESSAGES, NAMESPACE, MessageType
from pipelines.sources.files.errors import UnknownFormatError, UnreadableFileError
from pipelines.sources.files.grid import GRID_ROWS, GridRead, SheetRead, input_column
from pipelines.sources.files.spec import SourceSpec
from pipelines.sql import quote

BATCH_ROWS = 50_000
ADDRESS_PREFERENCE = ("01", "03", "04", "02")  # BRP address first, then stay, temporary, correspondence
EXPECTED = "an iWmo or iJw 3.2 message (namespace http://www.istandaarden.nl/iwmo|ijw/3_2/wmo|jw<nnn>/schema)"


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _find(element: etree._Element, path: str) -> str | None:
    """Text at a path of local names below ``element``; a final ``*`` joins all matches with commas."""
    nodes = [element]
    parts = path.split("/")
    for part in parts:
        name = part.rstrip("*")
        nodes = [child for node in nodes for child in node if _local(child.tag) == name]
        if not nodes:
            return None
        if not part.endswith("*"):
            nodes = nodes[:1]
    texts = [(node.text or "").strip() for node in nodes]
    return ",".join(t for t in texts if t) or None


def message_type(root_tag: str, label: str) -> tuple[str, MessageType]:
    """(law, message type) from the root element's namespace (``{namespace}Bericht``); raises for anything else."""
    namespace = root_tag[1:].partition("}")[0] if root_tag.startswith("{") else ""
    match = NAMESPACE.match(namespace)
    if not match or _local(root_tag) != "Bericht":
        raise UnknownFormatError(label, "line 1", EXPECTED, f"root element {root_tag!r}")
    standard, _, code = match.groups()
    if code not in MESSAGES:
        raise UnknownFormatError(
            label, "line 1", f"message type {', '.join(MESSAGES)}", f"{standard.upper()} {code} (not loaded)"
        )
    return LAWS[standard], MESSAGES[code]


def _postcode(contact: etree._Element) -> tuple[int, str] | None:
    postcode = _find(contact, "Adres/Postcode")
    if not postcode:
        return None
    kind = _find(contact, "Soort") or ""
    rank = ADDRESS_PREFERENCE.index(kind) if kind in ADDRESS_PREFERENCE else len(ADDRESS_PREFERENCE)
    return rank, postcode


def message_type_of(path: Path, label: str) -> tuple[str, MessageType, str]:
    """(law, message type, namespace) of a file, from its root element alone."""
    try:
        for _, element in etree.iterparse(str(path), events=("start",)):
            law, kind = message_type(element.tag, label)
            return law, kind, element.tag[1:].partition("}")[0]
    except etree.XMLSyntaxError as error:
        raise UnreadableFileError(label, f"line {error.lineno}", "well-formed XML", error.msg) from error
    raise UnreadableFileError(label, None, EXPECTED, "no XML elements")


MESSAGE_COLUMNS = ["wet", "berichttype", "gemeente_code", "aanbieder", *MESSAGE_FIELDS, *DECLARATION_FIELDS]
CLIENT_COLUMNS = ["bsn", "geboortejaar", "postcode"]


def _line_reader(kind: MessageType) -> tuple[list[str], Callable[[etree._Element], list[str | None]]]:
    """(the fields of a product line, a function giving their texts for one line element, in one pass over its
    elements). Each namespaced tag is looked up once by its local name, then by the tag itself."""
    fields = list(kind.fields)
    position = {leaf: fields.index(name) for leaf, name in kind.leaves.items()}
    by_tag: dict[object, int | None] = {}

    def read(line: etree._Element) -> list[str | None]:
        values: list[str | None] = [None] * len(fields)
        for element in line.iter():
            tag = element.tag
            i = by_tag.get(tag, -1)
            if i == -1:
                i = by_tag[tag] = position.get(_local(tag))
            if i is not None and (text := element.text) and (text := text.strip()):
                values[i] = f"{values[i]},{text}" if values[i] else text  # repeated: RetourCode
        return values

    return fields, read


def message_batches(path: Path, label: str) -> Iterator[pa.RecordBatch]:
    """The product lines as Arrow batches of ``BATCH_ROWS`` rows: ``source_row`` (the line element's line in the
    file), the message's and the client's facts (``MESSAGE_COLUMNS``, ``CLIENT_COLUMNS``) and the line's fields,
    as text; streaming. Only the elements named here are reported by the parser (lxml's tag filter), and each
    row is a list built in one go, so the Python work per line stays small."""
    law, kind, namespace = message_type_of(path, label)
    fields, read_line = _line_reader(kind)
    message: dict[str, str | None] = dict.fromkeys(MESSAGE_COLUMNS) | {"wet": law, "berichttype": kind.code}
    client: dict[str, str | None] = {}
    address: tuple[int, str] | None = None
    # the message's and the client's facts change per client, not per line: a batch keeps each version once and
    # its rows point at theirs (an Arrow dictionary column)
    versions: list[tuple[str | None, ...]] = []
    version: int | None = None  # of the facts the next line carries; None: changed since the last line

    wanted = ("Header", "Client", "Bsn", "Geboortedatum", "Contact", "DeclaratieNummer", "TotaalIngediendBedrag")
    tags = [f"{{{namespace}}}{name}" for name in (*wanted, kind.line)]
    line_tag = f"{{{namespace}}}{kind.line}"
    rows: list[list[str | int | None]] = []
    # Python's cycle collector would scan the rows (lists, none in a cycle) over and over as they pile up (0.5 of 3.9 s
    # for 200,000 lines); it is paused while a batch is parsed, not while the caller holds one
    collecting = gc.isenabled()
    gc.disable()
    try:  # end events only: an element's facts are complete when it ends, and lines end after their client's
        for _, element in etree.iterparse(str(path), events=("end",), tag=tags, remove_comments=True):
            if element.tag == line_tag:
                if version is None:
                    versions.append(tuple(message[n] for n in MESSAGE_COLUMNS) + tuple(map(client.get, CLIENT_COLUMNS)))
                    version = len(versions) - 1
                rows.append([element.sourceline, version, *read_line(element)])
                element.clear(keep_tail=False)  # its empty shell goes with its client (_release below)
                if len(rows) >= BATCH_ROWS:
                    batch = _batch(rows, versions, fields)
                    rows, versions, version = [], [], None
                    if collecting:
                        gc.enable()
                    yield batch
                    gc.disable()
                continue
            name = _local(element.tag)
            parent = _local(element.getparent().tag)
            if name == "Header" and parent == "Bericht":
                message.update({field: _find(element, p.partition("/")[2]) for field, p in MESSAGE_FIELDS.items()})
                gemeente, other = ("afzender", "ontvanger") if kind.from_gemeente else ("ontvanger", "afzender")
                message["gemeente_code"], message["aanbieder"] = message[gemeente], message[other]
            elif parent in ("Declaratie", "DeclaratieAntwoord") and name in (
                "DeclaratieNummer",
                "TotaalIngediendBedrag",
            ):
                for field, p in DECLARATION_FIELDS.items():
                    head, _, rest = p.partition("/")
                    if head == name:
                        message[field] = _find(element, rest) if rest else (element.text or "").strip()
            elif parent == "Client" and name == "Bsn":
                client["bsn"] = (element.text or "").strip()
            elif parent == "Client" and name == "Geboortedatum":
                born = _find(element, "Datum")
                client["geboortejaar"] = born[:4] if born else None
            elif parent == "Contactgegevens" and name == "Contact":
                candidate = _postcode(element)
                if candidate and (address is None or candidate[0] < address[0]):
                    address = candidate
                    client["postcode"] = candidate[1]
            elif name == "Client":  # the next client starts with no facts
                _release(element)
                client, address = {}, None
            version = None  # the lines after this element carry what it said
    except etree.XMLSyntaxError as error:
        raise UnreadableFileError(label, f"line {error.lineno}", "well-formed XML", error.msg) from error
    finally:
        if collecting:
            gc.enable()
    if rows:
        yield _batch(rows, versions, fields)


def _release(element: etree._Element) -> None:
    """Free a finished element and everything before it at its level."""
    element.clear(keep_tail=False)
    while element.getprevious() is not None:
        del element.getparent()[0]


def _batch(rows: list[list], versions: list[tuple], fields: list[str]) -> pa.RecordBatch:
    """Rows to columns in C (``zip``), then one Arrow array per column; the facts as dictionary columns over
    their versions."""
    columns = list(zip(*rows, strict=True))
    indices = pa.array(columns[1], pa.int32())
    facts = [
        pa.DictionaryArray.from_arrays(indices, pa.array([v[i] for v in versions], pa.string()))
        for i in range(len(MESSAGE_COLUMNS) + len(CLIENT_COLUMNS))
    ]
    lines = [pa.array(column, pa.string()) for column in columns[2:]]
    return pa.RecordBatch.from_arrays(
        [pa.array(columns[0], pa.int64()), *facts, *lines],
        names=["source_row", *MESSAGE_COLUMNS, *CLIENT_COLUMNS, *fields],
    )


def _relayed(batches: Iterator[pa.RecordBatch], failures: list[Exception]) -> Iterator[pa.RecordBatch]:
    """The batches, ending early on a file error, which is kept in ``failures`` for the caller to raise: raised
    inside DuckDB's read of the stream it would come out as DuckDB's error, without its line."""
    try:
        yield from batches
    except UnreadableFileError as error:
        failures.append(error)


def read_message(con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: Path, label: str) -> GridRead:
    """Fill ``_grid`` from one message file."""
    fields = [
        "bericht_id",
        "dagtekening",
        "afzender",
        "ontvanger",
        "gemeente_code",
        "aanbieder",
        "bsn",
        "geboortejaar",
        "postcode",
        "wet",
        "berichttype",
        *DECLARATION_FIELDS,
    ]
    fields += sorted({f for m in MESSAGES.values() for f in m.fields} - set(fields))
    columns = {f: spec.match(f) for f in fields}
    unmapped = [f for f, c in columns.items() if c is None]
    if unmapped:  # pragma: no cover - a mismatch between messages.py and zorg.yaml
        raise ValueError(f"{spec.path}: no column for message field(s) {unmapped}")
    sheet = SheetRead(
        sheet=None,
        header_row=None,
        columns={c.name: f for f, c in columns.items()},
        units={c.name: c.unit_of(f) for f, c in columns.items() if c.unit_of(f) == "cent"},
        ignored=[],
    )
    batches = message_batches(path, label)
    first = next(batches, None)  # a file that is not a message fails here, with its own error
    if first is not None:
        given = set(first.schema.names)  # the fields of this message type; the others are NULL
        cells = (f"{quote(f) if f in given else 'NULL'} AS {input_column(c.name)}" for f, c in columns.items())
        select = ", ".join(cells)
        failures: list[Exception] = []
        stream = pa.RecordBatchReader.from_batches(first.schema, _relayed(itertools.chain([first], batches), failures))
        con.register("_xml_lines", stream)  # one statement for all batches: DuckDB reads them as they are parsed
        try:
            sheet.rows = con.execute(
                f"INSERT INTO {GRID_ROWS} BY NAME SELECT NULL AS source_sheet, source_row, {select} FROM _xml_lines"
            ).fetchall()[0][0]
        finally:
            con.unregister("_xml_lines")
        if failures:
            raise failures[0]
    law, kind, _ = message_type_of(path, label)
    read = GridRead("xml", {"message": f"{'iWmo' if law == 'wmo' else 'iJw'} {kind.code}"})
    read.sheets.append(sheet)
    return read
