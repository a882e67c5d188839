"""Check a school's budget file (CSV or YAML) against the rules of 附件2 and 附件3.

Budgets come from school spreadsheets: UTF-8 with or without BOM, Big5/cp950, tab or comma
separated, a title row above the header, merged cells exported as blanks. The reader accepts
all of that; anything it cannot read becomes a `BudgetFileError` (the whole file) or a finding
naming the row (one line), never an exception escaping to the chat or the command line.

Columns (Chinese or English headers): 面向/part, 類別/category (經常門/資本門), 項目/item,
單價/unit_price, 數量/quantity, 金額/amount, 備註/note (optional). A blank part or category
repeats the row above, as merged cells export. Rows whose item is 合計/小計/總計 are skipped.
For YAML, a row number is the position of the row in the list.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

import yaml

from knowledge.calculators import (
    InvalidFacts,
    InvalidInput,
    SchoolFacts,
    ceiling,
    equipment_check,
    money,
    pct,
    times,
    unit_cap,
)
from knowledge.funding_rules import (
    LIMIT,
    PRINCIPLE,
    Cited,
    FundingRules,
    contains_any,
    default_rules,
    keyword_form,
)
from knowledge.loader import YAML_LOADER
from knowledge.model import Bilingual
from knowledge.textnorm import clean

MAX_MB = 5
MAX_BYTES = MAX_MB * 1024 * 1024  # the one upload limit: the chat refuses bigger files before download
MAX_ROWS = 2000  # read no further: a real budget has a few dozen rows
MAX_LINES = MAX_ROWS * 10  # rows counting blank ones (spreadsheets export empty formatted rows)
MAX_YAML_DEPTH = 10  # rows: [{column: value}] needs 3
MAX_YAML_EVENTS = MAX_ROWS * 30  # parser events (a row of 7 cells makes 16), counted before building
HEADER_SCAN_ROWS = 10  # the header may sit under a title row or two
TOLERANCE = Decimal("0.5")  # amounts are whole NT$; allow rounding of unit price × quantity

COLUMNS: dict[str, tuple[str, ...]] = {
    "part": ("面向", "部分", "經費面向", "計畫面向", "part"),
    "category": ("類別", "經費類別", "門別", "經資門", "category"),
    "item": ("項目", "品項", "經費項目", "名稱", "item"),
    "unit_price": ("單價", "unit price", "unit_price", "unitprice", "price"),
    "quantity": ("數量", "quantity", "qty"),
    "amount": ("金額", "總價", "複價", "小計", "amount", "total"),
    "note": ("備註", "說明", "note", "notes", "remark", "remarks"),
}
COLUMN_NAMES = {
    "part": ("面向", "part"),
    "category": ("類別", "category"),
    "item": ("項目", "item"),
    "unit_price": ("單價", "unit_price"),
    "quantity": ("數量", "quantity"),
    "amount": ("金額", "amount"),
    "note": ("備註", "note"),
}
REQUIRED = ("part", "category", "item", "unit_price", "quantity", "amount")
CATEGORIES = {"recurrent": ("經常門", "經常", "recurrent"), "capital": ("資本門", "資本", "capital")}
SUMMARY_ITEMS = ("合計", "小計", "總計", "total", "subtotal", "grand total")
_SIGNATURES = (
    (b"PK\x03\x04", ("Excel（.xlsx）或壓縮檔", "an Excel (.xlsx) or zip file")),
    (b"\xd0\xcf\x11\xe0", ("舊版 Excel（.xls）或 Word 檔", "an old Excel (.xls) or Word file")),
    (b"%PDF", ("PDF 檔", "a PDF file")),
)
_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls but tab and line breaks
_BINARY = re.compile(f"[{_CONTROLS}]")


class BudgetFileError(InvalidInput):
    """The file cannot be read as a budget; carries the reason in both languages."""


Record = tuple[int, dict[str, Any]]  # (row number, cells by column)


# -- report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A broken rule (violation), something to double-check (warning), or how an unclear rule was read."""

    code: str
    severity: str  # "violation", "warning", or "reading" (in BudgetReport.readings only)
    message: Bilingual
    rule: Cited | None = None
    row: int | None = None

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "row": self.row,
            "message": self.message.get(lang),
            "source": self.rule.source(lang) if self.rule else None,
        }


@dataclass
class PartSummary:
    key: str
    label: Bilingual
    recurrent: Decimal = Decimal(0)
    capital: Decimal = Decimal(0)
    ceiling: int | None = None
    premium_base: Decimal = Decimal(0)
    premium_expected: int = 0
    premium_budgeted: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.recurrent + self.capital


@dataclass
class BudgetReport:
    filename: str
    rows: int
    mode: int | None
    facts: SchoolFacts | None
    parts: dict[str, PartSummary]
    findings: list[Finding] = field(default_factory=list)
    premium_rate: Decimal = Decimal(0)
    premium_rule: Cited | None = None
    # How the checker read rules the plan leaves unclear (severity "reading"), e.g. 附件2 備註2.
    readings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def total(self) -> Decimal:
        return sum((p.total for p in self.parts.values()), Decimal(0))

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "file": self.filename,
            "rows": self.rows,
            "mode": self.mode,
            "ok": self.ok,
            "violations": [f.to_json(lang) for f in self.violations],
            "warnings": [f.to_json(lang) for f in self.warnings],
            "readings": [f.to_json(lang) for f in self.readings],
            "parts": {
                key: {
                    "label": p.label.get(lang),
                    "recurrent": _plain(p.recurrent),
                    "capital": _plain(p.capital),
                    "total": _plain(p.total),
                    "ceiling": p.ceiling,
                    "premium": {
                        "base": _plain(p.premium_base),
                        "expected": p.premium_expected,
                        "budgeted": _plain(p.premium_budgeted),
                    },
                }
                for key, p in self.parts.items()
            },
            "total": _plain(self.total),
            "premium_rate": pct(self.premium_rate),
        }


def _zh(amount: int | Decimal) -> str:
    return money(amount, "zh")


def _en(amount: int | Decimal) -> str:
    return money(amount, "en")


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# -- reading --------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetRow:
    number: int
    part: str
    capital: bool
    item: str
    unit_price: Decimal | None  # None only on a premium line
    quantity: Decimal | None
    amount: Decimal
    note: str
    item_key: str | None

    @property
    def text(self) -> str:
        return f"{self.item} {self.note}"

    def where(self, lang: str) -> str:
        return f"第 {self.number} 列「{self.item}」" if lang == "zh" else f"Row {self.number} ({self.item})"


class _RowError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.text = Bilingual(zh, en)


def _decode(content: bytes) -> str:
    for signature, (zh, en) in _SIGNATURES:
        if content.startswith(signature):
            raise BudgetFileError(
                f"這是{zh}，不是 CSV 或 YAML。請在試算表中「另存新檔」為 CSV 再傳一次。",
                f"This is {en}, not CSV or YAML. Save the sheet as CSV and send it again.",
            )
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BudgetFileError("檔案的 UTF-16 編碼有誤。", "The file's UTF-16 encoding is broken.") from exc
    if b"\x00" in content:
        raise BudgetFileError(
            "這不是文字檔（看起來是二進位資料）。請傳 CSV 或 YAML 檔。",
            "This is not a text file (it looks like binary data). Please send a CSV or YAML file.",
        )
    for encoding in ("utf-8-sig", "cp950"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BudgetFileError(
            "看不懂檔案的編碼；請存成 UTF-8 或 Big5 的 CSV。",
            "Unknown text encoding; please save the file as CSV in UTF-8 or Big5.",
        )
    if len(_BINARY.findall(text)) > max(3, len(text) // 100):
        raise BudgetFileError(
            "這不是文字檔（有大量控制字元）。請傳 CSV 或 YAML 檔。",
            "This is not a text file (many control characters). Please send a CSV or YAML file.",
        )
    return text


def _column(cell: Any) -> str | None:
    """The column a header cell names: 單價(元) -> unit_price."""
    name = keyword_form(_BRACKETS.sub("", str(cell or ""))).removesuffix("元")
    for key, aliases in COLUMNS.items():
        if name in (keyword_form(a) for a in aliases):
            return key
    return None


def _missing_columns(found: Iterable[str | None]) -> BudgetFileError | None:
    present = set(found)
    missing = [key for key in REQUIRED if key not in present]
    if not missing:
        return None
    return BudgetFileError(
        "缺少欄位："
        + "、".join(COLUMN_NAMES[k][0] for k in missing)
        + "。需要的欄位：面向、類別、項目、單價、數量、金額（備註可省略）。",
        "Missing column(s): "
        + ", ".join(COLUMN_NAMES[k][1] for k in missing)
        + ". Needed: part, category, item, unit_price, quantity, amount (note optional).",
    )


def _cell(value: Any) -> Any:
    """A cell as read: text made printable, numbers and other YAML values as they are."""
    return clean(value, limit=None) if isinstance(value, str) else value


def _too_many_rows() -> BudgetFileError:
    return BudgetFileError(
        f"經費列太多（上限 {MAX_ROWS} 列；連同空白列最多 {MAX_LINES} 列）。",
        f"Too many rows (at most {MAX_ROWS}, or {MAX_LINES} counting blank ones).",
    )


def _csv_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    """The rows of `text`, read as they are needed; a row csv cannot read ends it with a
    BudgetFileError naming that row (csv's own message is English and technical)."""
    number = 0
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):  # noqa: B007 (read below)
            yield cells
    except csv.Error:
        row = number + 1
        raise BudgetFileError(
            f"CSV 格式有誤：第 {row} 列讀不出來（引號沒有成對，或某一格太長）。",
            f"The CSV is malformed: row {row} cannot be read (an unmatched quote, or a cell that is too long).",
        ) from None


def _csv_records(text: str) -> Iterator[Record]:
    """(row number, cells by column) for each row under the header row, read as they are needed.

    Tries tab, comma and semicolon; the header is the first of the top rows naming 3+ columns.
    """
    missing: BudgetFileError | None = None
    malformed: BudgetFileError | None = None
    for delimiter in ("\t", ",", ";"):
        rows = _csv_rows(text, delimiter)
        try:
            head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        except BudgetFileError as error:
            malformed = malformed or error
            continue
        for index, row in enumerate(head):
            columns = [_column(cell) for cell in row]
            if sum(c is not None for c in columns) < 3:
                continue
            absent = _missing_columns(columns)
            if absent is None:
                body = itertools.chain(head[index + 1 :], rows)
                return (
                    (number, {col: _cell(cell) for col, cell in zip(columns, cells, strict=False) if col})
                    for number, cells in enumerate(body, index + 2)
                )
            missing = missing or absent
            break
    raise (
        missing
        or malformed
        or BudgetFileError(
            "找不到標題列。第一列（或前幾列）要有欄位：面向、類別、項目、單價、數量、金額、備註。",
            "No header row found. The first rows must name the columns: part, category, item, unit_price, "
            "quantity, amount, note.",
        )
    )


# Brackets that open and close YAML flow collections, outside quoted strings and comments.
_FLOW_BRACKETS = re.compile(r"""[\[\]{}]|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|#[^\n]*""")


def _nested_too_deep(line: int) -> BudgetFileError:
    return BudgetFileError(
        f"YAML 格式有誤：巢狀層次太深（第 {line} 行；最多 {MAX_YAML_DEPTH} 層）。",
        f"The YAML is malformed: nested too deep (line {line}; at most {MAX_YAML_DEPTH} levels).",
    )


def _check_flow_depth(text: str) -> None:
    """Refuse bracket nesting deeper than MAX_YAML_DEPTH by reading the text itself.

    The parser cannot be asked first: libyaml scans every `[` of `[[[[…` ahead before it yields
    one event, and refuses depth 1000 in its own words (PyYAML 6.0.4), so policybot's limit and
    message hold whatever the parser version only if it looks before the parser does.
    """
    depth = 0
    for match in _FLOW_BRACKETS.finditer(text):
        token = match.group(0)
        if token in "[{":
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise _nested_too_deep(text.count("\n", 0, match.start()) + 1)
        elif token in "]}":
            depth = max(depth - 1, 0)


def _check_yaml_shape(text: str) -> None:
    """Refuse, before anything is built, what no budget needs: anchors and aliases (2 kB of
    them expand to millions of cells), nesting deeper than MAX_YAML_DEPTH (building recurses
    once per level) and more events than MAX_ROWS rows make."""
    _check_flow_depth(text)
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=YAML_LOADER), 1):
        line = event.start_mark.line + 1 if event.start_mark is not None else 0
        if getattr(event, "anchor", None):  # an anchor (&name) or an alias (*name)
            raise BudgetFileError(
                f"YAML 不能使用錨點或別名（& 和 *，第 {line} 行）；請把每一列完整寫出來。",
                f"The YAML may not use anchors or aliases (& and *, line {line}); write each row out in full.",
            )
        depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
        if depth > MAX_YAML_DEPTH:
            raise _nested_too_deep(line)
        if count > MAX_YAML_EVENTS:
            raise _too_many_rows()


def _yaml_records(text: str) -> list[Record]:
    try:
        _check_yaml_shape(text)
        data = yaml.load(text, Loader=YAML_LOADER)
    except BudgetFileError:
        raise  # the shape check's own message (it is a ValueError too)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date such as 2026-02-30, a 5000-digit number
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark else ""
        line_en = f" at line {mark.line + 1}" if mark else ""
        raise BudgetFileError(
            f"YAML 格式有誤{('（' + line + '）') if line else ''}。", f"The YAML is malformed{line_en}."
        ) from exc
    if isinstance(data, dict):
        data = next((data[k] for k in ("rows", "items", "budget", "經費") if k in data), None)
    if not isinstance(data, list):
        raise BudgetFileError(
            "YAML 應該是經費列的清單（或在 rows: 底下的清單）。",
            "The YAML must be a list of budget rows (or a list under rows:).",
        )
    records = []
    for index, row in enumerate(data, 1):
        cells = (
            {col: _cell(value) for key, value in row.items() if (col := _column(key))}
            if isinstance(row, dict)
            else None
        )
        records.append((index, cells if cells is not None else {"__invalid__": row}))
    error = _missing_columns(col for _, cells in records for col in cells)
    if error:
        raise error
    return records


def _number(value: Any, column: str, required: bool = True) -> Decimal | None:
    zh_name, en_name = COLUMN_NAMES[column]
    if isinstance(value, (bool, list, dict)):
        raise _RowError(f"「{zh_name}」不是數字。", f"{en_name} is not a number.")
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    text = re.sub(r"[,\s]|nt\$|NT\$|\$|元", "", text)
    if not text:
        if required:
            raise _RowError(f"缺少「{zh_name}」。", f"{en_name} is missing.")
        return None
    negative = text.startswith("(") and text.endswith(")")
    try:
        number = Decimal(text.strip("()"))
    except InvalidOperation:
        raise _RowError(
            f"「{zh_name}」不是數字：「{str(value)[:20]}」。", f"{en_name} is not a number: {str(value)[:20]!r}."
        ) from None
    if not number.is_finite():
        raise _RowError(f"「{zh_name}」不是數字。", f"{en_name} is not a number.")
    if negative or number < 0:
        raise _RowError(f"「{zh_name}」不能是負數。", f"{en_name} cannot be negative.")
    return number


def _category(value: str) -> bool:
    """True for 資本門, False for 經常門."""
    norm = keyword_form(value)
    for key, names in CATEGORIES.items():
        if norm in (keyword_form(n) for n in names):
            return key == "capital"
    raise _RowError(
        f"「類別」要填經常門或資本門，不是「{value[:20]}」。",
        f"category must be 經常門 (recurrent) or 資本門 (capital), not {value[:20]!r}.",
    )


def _rows(rules: FundingRules, records: list[Record]) -> tuple[list[BudgetRow], list[Finding]]:
    rows: list[BudgetRow] = []
    problems: list[Finding] = []
    part_cell = category_cell = ""
    for number, cells in records:
        if "__invalid__" in cells:
            problems.append(
                Finding(
                    "row_error",
                    "violation",
                    Bilingual(
                        f"第 {number} 列不是「欄位: 值」的格式。", f"Row {number} is not a mapping of column: value."
                    ),
                    row=number,
                )
            )
            continue
        text = {k: str(v).strip() if v is not None else "" for k, v in cells.items()}
        item = text.get("item", "")
        if keyword_form(item) in (keyword_form(s) for s in SUMMARY_ITEMS):
            continue
        part_cell = text.get("part") or part_cell
        category_cell = text.get("category") or category_cell
        try:
            if not item:
                raise _RowError("缺少「項目」。", "item is missing.")
            if not part_cell:
                raise _RowError("缺少「面向」。", "part is missing.")
            part = rules.match_part(part_cell)
            if part is None:
                names = "、".join(p.label.zh for p in rules.parts.values())
                raise _RowError(
                    f"看不懂「面向」：「{part_cell[:20]}」（可填：{names}）。",
                    f"Unknown part {part_cell[:20]!r} (use: " + ", ".join(rules.parts) + ").",
                )
            if not category_cell:
                raise _RowError("缺少「類別」。", "category is missing.")
            capital = _category(category_cell)
            item_key = rules.match_item(item) or rules.match_item(text.get("note", ""))
            optional = item_key == "premium"  # a premium line is a share, not a price × quantity
            unit_price = _number(cells.get("unit_price"), "unit_price", required=not optional)
            quantity = _number(cells.get("quantity"), "quantity", required=not optional)
            amount = _number(cells.get("amount"), "amount")
        except _RowError as error:
            problems.append(
                Finding(
                    "row_error",
                    "violation",
                    Bilingual(f"第 {number} 列：{error.text.zh}", f"Row {number}: {error.text.en}"),
                    row=number,
                )
            )
            continue
        assert amount is not None
        rows.append(
            BudgetRow(number, part, capital, item, unit_price, quantity, amount, text.get("note", ""), item_key)
        )
    return rows, problems


def _filled(cells: dict[str, Any]) -> bool:
    return any(str(v).strip() for v in cells.values() if v is not None)


def _bounded(records: Iterable[Record]) -> list[Record]:
    """The records to check, blank rows dropped, reading no further than the row limits."""
    kept: list[Record] = []
    filled = 0
    for count, (number, cells) in enumerate(records, 1):
        has_data = _filled(cells)
        filled += has_data
        if filled > MAX_ROWS or count > MAX_LINES:
            raise _too_many_rows()
        if has_data or "__invalid__" in cells:  # a YAML row that is not a mapping is a finding
            kept.append((number, cells))
    if not filled:
        raise BudgetFileError("檔案裡沒有任何經費列。", "The file has no budget rows.")
    return kept


def read_budget(content: bytes, filename: str) -> list[Record]:
    """The records of a budget file; raises BudgetFileError when the file cannot be read."""
    if not isinstance(content, (bytes, bytearray)):
        raise BudgetFileError("沒有收到檔案內容。", "No file content was received.")
    if len(content) > MAX_BYTES:
        size = len(content) / 1024 / 1024
        raise BudgetFileError(
            f"檔案太大（{size:.1f} MB），經費表上限 {MAX_MB} MB。",
            f"The file is too large ({size:.1f} MB); a budget may be at most {MAX_MB} MB.",
        )
    text = _decode(bytes(content))
    if not text.strip():
        raise BudgetFileError("檔案是空的。", "The file is empty.")
    suffix = PurePath(filename or "").suffix.lower()
    return _bounded(_yaml_records(text) if suffix in (".yaml", ".yml") else _csv_records(text))


# -- checks ---------------------------------------------------------------------------


def _violation(code: str, rule: Cited | None, zh: str, en: str, row: int | None = None) -> Finding:
    return Finding(code, "violation", Bilingual(zh, en), rule, row)


def _warning(code: str, rule: Cited | None, zh: str, en: str, row: int | None = None) -> Finding:
    return Finding(code, "warning", Bilingual(zh, en), rule, row)


def _reason_request(note: str) -> Bilingual:
    """What a breach of a 「…為原則」 limit asks for: a reason stated in the plan/application."""
    note = note.strip()
    if note:
        return Bilingual(
            f"備註寫了「{note[:40]}」；若這是超過的理由，請確認計畫（申請書）中也敘明此理由。",
            f'The note says "{note[:40]}"; if that is the reason, make sure the plan/application states it too.',
        )
    return Bilingual(
        "請在計畫（申請書）中敘明超過的理由。", "State the reason for going over it in the plan/application."
    )


def _row_checks(rules: FundingRules, row: BudgetRow, mode: int) -> list[Finding]:
    found: list[Finding] = []
    zh, en = row.where("zh"), row.where("en")
    if (
        row.unit_price is not None
        and row.quantity is not None
        and abs(row.unit_price * row.quantity - row.amount) > TOLERANCE
    ):
        product = row.unit_price * row.quantity
        found.append(
            _violation(
                "amount_mismatch",
                None,
                f"{zh}：金額 {_zh(row.amount)} ≠ 單價 × 數量 = {_zh(product)}。",
                f"{en}: amount {_en(row.amount)} ≠ unit price × quantity = {_en(product)}.",
                row.number,
            )
        )
    cap = unit_cap(rules, row.item_key, row.text) if row.item_key and row.unit_price is not None else None
    if cap is not None and row.unit_price is not None and row.unit_price > cap.cap:
        found.append(
            _violation(
                "unit_cap",
                cap.source,
                f"{zh}：單價 {_zh(row.unit_price)}超過{cap.label.zh}{cap.unit.zh}上限 {_zh(cap.cap)}。",
                f"{en}: unit price {_en(row.unit_price)} is over the {cap.label.en.lower()} cap of "
                f"{_en(cap.cap)} {cap.unit.en}.",
                row.number,
            )
        )
    if (row.capital or row.item_key == "equipment") and row.unit_price:
        for problem in equipment_check(rules, row.text, row.unit_price, capital=row.capital).problems:
            # A 「…為原則」 cap (the unit prices) is a warning that asks for the reason, not a violation.
            soft = problem.binding == PRINCIPLE
            reason = _reason_request(row.note) if soft else Bilingual("", "")
            found.append(
                (_warning if soft else _violation)(
                    problem.code,
                    problem.source,
                    f"{zh}：{problem.message.zh}{reason.zh}",
                    f"{en}: {problem.message.en}{' ' + reason.en if soft else ''}",
                    row.number,
                )
            )
    excluded = rules.capital.excluded
    if row.capital and contains_any(row.text, excluded.keywords):
        found.append(
            _violation(
                "capital_excluded",
                excluded,
                f"{zh}：資本門不補助水電費、冷氣費、停車費等業務費用。",
                f"{en}: capital funding does not pay utilities, air conditioning or parking.",
                row.number,
            )
        )
    item = rules.items.all().get(row.item_key or "")
    if item is not None and item.only_parts and row.part not in item.only_parts:
        allowed = "、".join(rules.parts[p].label.zh for p in item.only_parts)
        allowed_en = ", ".join(rules.parts[p].label.en for p in item.only_parts)
        moved = mode == 2 and row.part == "bilingual_life" and "pd_teacher" in item.only_parts
        make = _warning if moved else _violation
        found.append(
            make(
                "item_part",
                item,
                f"{zh}：{item.label.zh}只能編在{allowed}"
                + ("（除非依規定將部領教師經費併入雙語生活化）。" if moved else "。"),
                f"{en}: {item.label.en} belongs in {allowed_en}"
                + (" (unless partial-domain teacher funding is moved in)." if moved else "."),
                row.number,
            )
        )
    data = rules.items.data_collection
    if (
        row.item_key == "data_collection"
        and contains_any(row.text, data.book_words)
        and not contains_any(row.text, data.book_list_words)
    ):
        found.append(
            _warning(
                "book_list",
                data,
                f"{zh}：購置書籍應檢附書單（請在備註註明）。",
                f"{en}: buying books needs a book list attached (say so in the note).",
                row.number,
            )
        )
    pd_capital = rules.capital.partial_domains
    if row.capital and row.part != "bilingual_life" and pd_capital.requires_note and not row.note.strip():
        found.append(
            _warning(
                "capital_note",
                pd_capital,
                f"{zh}：部領資本門須說明購置品項、數量、用途及與本案之關聯性（備註空白）。",
                f"{en}: partial-domain capital lines must explain the item, quantity, use and relevance "
                "(the note is empty).",
                row.number,
            )
        )
    return found


def _sum(rows: Iterable[BudgetRow], key: str | None = None) -> Decimal:
    return sum((r.amount for r in rows if key is None or r.item_key == key), Decimal(0))


def _premium_checks(rules: FundingRules, rows: list[BudgetRow], summary: PartSummary) -> list[Finding]:
    rule = rules.items.premium
    base = sum((r.amount for r in rows if r.item_key in rule.base_items), Decimal(0))
    expected = times(base, rule.rate)
    budgeted = _sum(rows, "premium")
    summary.premium_base, summary.premium_expected, summary.premium_budgeted = base, expected, budgeted
    label = summary.label
    if base and not any(r.item_key == "premium" for r in rows):
        return [
            _violation(
                "premium_missing",
                rule,
                f"{label.zh}：未編補充保費；計費項目 {_zh(base)} × {pct(rule.rate)}，應編 {_zh(expected)}。",
                f"{label.en}: no supplementary premium; {_en(base)} of fee items × {pct(rule.rate)} "
                f"needs {_en(expected)}.",
            )
        ]
    if abs(budgeted - (base * rule.rate)) >= 1:
        return [
            _violation(
                "premium_wrong",
                rule,
                f"{label.zh}：補充保費編 {_zh(budgeted)}，應為 {_zh(base)} × {pct(rule.rate)} = {_zh(expected)}。",
                f"{label.en}: the premium is {_en(budgeted)}; it should be {_en(base)} × "
                f"{pct(rule.rate)} = {_en(expected)}.",
            )
        ]
    return []


def _share_check(
    code: str, item: Any, spent: Decimal, base: Decimal, of_zh: str, of_en: str, note: str = ""
) -> list[Finding]:
    """A share limit; one written 「…為原則」 (binding: principle) is a warning asking for the reason."""
    cap = base * item.share
    if spent <= cap:
        return []
    zh = f"{item.label.zh} {_zh(spent)}超過{of_zh} {_zh(base)}的 {pct(item.share)}（{_zh(cap)}）。"
    en = f"{item.label.en} {_en(spent)} is over {pct(item.share)} of {of_en} {_en(base)} ({_en(cap)})."
    if getattr(item, "binding", LIMIT) != PRINCIPLE:
        return [_violation(code, item, zh, en)]
    reason = _reason_request(note)
    return [
        _warning(
            code,
            item,
            f"{zh}附件3 寫「以不超過…{pct(item.share)}為原則」，這不是硬性上限，超過不算違規，但須敘明理由。{reason.zh}",
            f"{en} Annex 3 writes this share 「…為原則」 (as a rule): it is not a hard cap and going over it "
            f"is not a violation, but it needs a stated reason. {reason.en}",
        )
    ]


def _budget_checks(rules: FundingRules, rows: list[BudgetRow], parts: dict[str, PartSummary]) -> list[Finding]:
    """Limits on the whole budget (the mode's 經常門) and on the student part."""
    items = rules.items
    recurrent = sum((p.recurrent for p in parts.values()), Decimal(0))
    recurrent_rows = [r for r in rows if not r.capital]
    found = _share_check(
        "teaching_aids_share",
        items.teaching_aids,
        _sum(recurrent_rows, "teaching_aids"),
        recurrent,
        "經常門總額",
        "the recurrent total",
        "；".join(r.note.strip() for r in recurrent_rows if r.item_key == "teaching_aids" and r.note.strip()),
    )
    found += _share_check(
        "misc_share", items.misc, _sum(recurrent_rows, "misc"), recurrent, "經常門總額", "the recurrent total"
    )
    found += _share_check(
        "teaching_materials_share",
        items.teaching_materials,
        _sum((r for r in rows if r.part == "pd_student"), "teaching_materials"),
        parts["pd_student"].total,
        "學生奠基費用",
        "the student-foundation budget",
    )
    data = items.data_collection
    spent = _sum(rows, "data_collection")
    if spent > data.cap:
        found.append(
            _violation(
                "data_collection_cap",
                data,
                f"資料蒐集費合計 {_zh(spent)}，超過上限 {_zh(data.cap)}。",
                f"Reference materials total {_en(spent)}, over the cap of {_en(data.cap)}.",
            )
        )
    return found


def _capital_readings(rules: FundingRules, parts: dict[str, PartSummary], mode: int) -> list[Finding]:
    """The readings of unclear capital rules the checks below applied, for the report to state."""
    life, capital = parts["bilingual_life"].capital, sum((p.capital for p in parts.values()), Decimal(0))
    if mode != 2 or not capital:
        return []
    found = []
    if rules.capital.pooling.pooled:
        pooling = rules.capital.pooling
        found.append(Finding("capital_pooling", "reading", pooling.reading, pooling))
    life_rule = rules.capital.bilingual_life
    if life and life_rule.reading is not None:
        found.append(Finding("capital_bilingual_life", "reading", life_rule.reading, life_rule))
    return found


def _capital_checks(rules: FundingRules, parts: dict[str, PartSummary], mode: int, moved: Decimal) -> list[Finding]:
    """資本門 shares of each part's budget (pooled in mode 2, 附件2 備註2) and the 3萬 cap after a transfer.

    Where the plan is unclear (備註2, the 3萬 of 模式二 三 with a branch), the result under the reading
    applied is reported, and a warning says when another reading would decide otherwise.
    """
    life, teacher, student = parts["bilingual_life"], parts["pd_teacher"], parts["pd_student"]
    life_rule, pd_rule = rules.capital.bilingual_life, rules.capital.partial_domains
    life_cap = life.total * life_rule.share
    pd_base = teacher.total + student.total
    pd_cap = pd_base * pd_rule.share
    pd_capital = teacher.capital + student.capital
    life_of = (
        f"雙語生活化 {_zh(life.total)} × {pct(life_rule.share)}",
        f"campus life {_en(life.total)} × {pct(life_rule.share)}",
    )
    pd_of = (
        f"部領教師＋學生 {_zh(pd_base)} × {pct(pd_rule.share)}",
        f"partial domains {_en(pd_base)} × {pct(pd_rule.share)}",
    )
    found: list[Finding] = []
    if mode == 2 and rules.capital.pooling.pooled:
        spent, cap = life.capital + pd_capital, life_cap + pd_cap
        if spent > cap:
            found.append(
                _violation(
                    "capital_share",
                    rules.capital.pooling,
                    f"資本門合計 {_zh(spent)}超過上限 {_zh(cap)}（{life_of[0]} ＋ {pd_of[0]}，兩面向可合併）。",
                    f"Capital {_en(spent)} is over the cap of {_en(cap)} "
                    f"({life_of[1]} + {pd_of[1]}, which may be pooled).",
                )
            )
        else:
            for own, own_cap, name_zh, name_en in (
                (life.capital, life_cap, "雙語生活化", "campus-life"),
                (pd_capital, pd_cap, "部領", "partial-domain"),
            ):
                if own > own_cap:
                    found.append(
                        _warning(
                            "capital_pooling",
                            rules.capital.pooling,
                            f"{name_zh}資本門 {_zh(own)}超過該面向自己的上限 {_zh(own_cap)}；依附件2 備註2 合併計算"
                            f"（合計 {_zh(spent)}，上限 {_zh(cap)}）未超過。計畫沒有說明合併時各面向的上限是否仍適用，"
                            "若地方政府採分別計算的讀法，這就超過了；請向地方政府確認。",
                            f"The {name_en} capital {_en(own)} is over that part's own cap of {_en(own_cap)}; pooled under "
                            f"Annex 2 note 2 ({_en(spent)} against {_en(cap)}) it is within the cap. The plan does not say "
                            "whether each part's own cap still applies when pooled; under that reading this is over. "
                            "Check with your local government.",
                        )
                    )
    else:
        for spent, cap, rule, (of_zh, of_en), (name_zh, name_en) in (
            (life.capital, life_cap, life_rule, life_of, ("雙語生活化", "Campus-life")),
            (pd_capital, pd_cap, pd_rule, pd_of, ("部領", "Partial-domain")),
        ):
            if spent > cap:
                found.append(
                    _violation(
                        "capital_share",
                        rule,
                        f"{name_zh}資本門 {_zh(spent)}超過上限 {_zh(cap)}（{of_zh}）。",
                        f"{name_en} capital {_en(spent)} is over the cap of {_en(cap)} ({of_en}).",
                    )
                )
    transfer = rules.transfer
    if mode == 2 and not moved and transfer.capital_cap_after < life.capital <= life_cap:
        # Only with a branch extra: 20% of the campus-life budget is then more than the 3萬 the plan
        # writes (in the transfer clause only).
        cap_after = transfer.capital_cap_after
        found.append(
            _warning(
                "capital_bilingual_life",
                life_rule,
                f"雙語生活化資本門 {_zh(life.capital)}超過 {_zh(cap_after)}（15萬元*20%），但未超過{life_of[0]}"
                f"（{_zh(life_cap)}）。計畫只在部領經費併入的條款寫「仍不得超過3萬元（15萬元*20%）」："
                "若雙語生活化經費含併入的部領經費，資本門仍以 3 萬元為限；若是分校或分班加額，計畫沒有說明"
                "是否仍以 3 萬元為限。本檢查未認定有併入，以 20% 計算；請向地方政府確認。",
                f"Campus-life capital {_en(life.capital)} is over {_en(cap_after)} (NT$150,000 × 20%) but within "
                f"{life_of[1]} ({_en(life_cap)}). The plan writes NT$30,000 only in the clause on moving teacher "
                "funding in: if the campus-life budget includes moved teacher funding, NT$30,000 applies; for a "
                "branch extra the plan does not say whether NT$30,000 still applies. This check found no move and "
                "applies the 20%; check with your local government.",
            )
        )
    if moved > 0 and life.capital > transfer.capital_cap_after:
        found.append(
            _violation(
                "capital_after_transfer",
                transfer,
                f"部領教師經費併入後，雙語生活化資本門仍不得超過 {_zh(transfer.capital_cap_after)}"
                f"（編了 {_zh(life.capital)}）。",
                f"With teacher funding moved in, campus-life capital stays at most "
                f"{_en(transfer.capital_cap_after)} (budgeted {_en(life.capital)}).",
            )
        )
    return found


def _ceiling_checks(
    rules: FundingRules, parts: dict[str, PartSummary], facts: SchoolFacts
) -> tuple[list[Finding], Decimal]:
    """Part totals against the school's ceiling; returns the findings and the amount moved by transfer.

    雙語生活化 over its ceiling by no more than the transfer allowance is read as 部領 teacher
    funding moved in (附件2 模式二 三): a warning with the conditions, and the teacher ceiling
    shrinks by as much.
    """
    result = ceiling(rules, facts)
    for key, summary in parts.items():
        summary.ceiling = result.part_ceiling(key)
    found: list[Finding] = []
    life, teacher, student = parts["bilingual_life"], parts["pd_teacher"], parts["pd_student"]
    over = life.total - result.part_ceiling("bilingual_life")
    allowance = result.transfer.amount if result.transfer else 0
    moved = over if 0 < over <= allowance else Decimal(0)
    if moved and result.transfer:
        rule = result.transfer.rule
        found.append(
            _warning(
                "transfer",
                rule,
                f"雙語生活化超出上限的 {_zh(moved)}視為由部領教師經費併入（最多 {_zh(allowance)}），"
                "須符合：" + "、".join(c.zh for c in rule.conditions) + "。",
                f"The {_en(moved)} of campus life over its ceiling counts as teacher funding moved in "
                f"(at most {_en(allowance)}); conditions: " + "; ".join(c.en for c in rule.conditions) + ".",
            )
        )
    elif over > 0:
        limit = result.part_ceiling("bilingual_life") + allowance
        found.append(
            _violation(
                "part_ceiling",
                result.parts[0].rule,
                f"雙語生活化 {_zh(life.total)}超過上限 {_zh(limit)}"
                + ("（已含部領教師經費最多可併入的金額）。" if allowance else "。"),
                f"Campus life {_en(life.total)} is over its ceiling of {_en(limit)}"
                + (" (including the most teacher funding that may move in)." if allowance else "."),
            )
        )
    if facts.mode != 2:
        return found, moved  # 部領 lines in mode 1 are reported once, as mode_parts
    for summary, cap in (
        (teacher, result.part_ceiling("pd_teacher") - moved),
        (student, result.part_ceiling("pd_student")),
    ):
        if summary.total > cap:
            after = bool(moved) and summary is teacher
            found.append(
                _violation(
                    "part_ceiling",
                    rules.ceilings.partial_domains,
                    f"{summary.label.zh} {_zh(summary.total)}超過上限 {_zh(cap)}"
                    + ("（已扣除併入雙語生活化的金額）。" if after else "。"),
                    f"{summary.label.en} {_en(summary.total)} is over its ceiling of {_en(cap)}"
                    + (" (after the amount moved into campus life)." if after else "."),
                )
            )
    return found, moved


def check_budget(
    content: bytes, filename: str, facts: SchoolFacts | None = None, rules: FundingRules | None = None
) -> BudgetReport:
    """Every violation of the budget file, with totals per part and the correct premium.

    Raises BudgetFileError when the file cannot be read at all; a bad row is a finding.
    """
    rules = rules or default_rules()
    rows, findings = _rows(rules, read_budget(content, filename))
    has_pd = any(r.part != "bilingual_life" for r in rows)
    mode = facts.mode if facts is not None and facts.mode else (2 if has_pd else 1)
    parts = {key: PartSummary(key, part.label) for key, part in rules.parts.items()}
    for row in rows:
        summary = parts[row.part]
        if row.capital:
            summary.capital += row.amount
        else:
            summary.recurrent += row.amount
    if mode == 1 and has_pd:
        findings.append(
            _violation(
                "mode_parts",
                rules.ceilings.mode1,
                "模式一只有雙語生活化，不能編列部領教師或學生經費。",
                "Mode 1 has only bilingual campus life; it cannot budget partial-domain teacher or student funding.",
            )
        )
    for row in rows:
        findings += _row_checks(rules, row, mode)
    for key, summary in parts.items():
        findings += _premium_checks(rules, [r for r in rows if r.part == key and not r.capital], summary)
    findings += _budget_checks(rules, rows, parts)
    moved = Decimal(0)
    if facts is not None:
        try:
            ceiling_findings, moved = _ceiling_checks(rules, parts, facts)
            findings += ceiling_findings
        except InvalidFacts as error:
            findings.append(
                _warning("facts", None, f"無法比對補助上限：{error.zh}", f"Cannot compare with the ceiling: {error.en}")
            )
    findings += _capital_checks(rules, parts, mode, moved)
    findings.sort(key=lambda f: (f.severity != "violation", f.row is None, f.row or 0))
    shown = {k: p for k, p in parts.items() if p.total or k == "bilingual_life" or mode == 2}
    return BudgetReport(
        clean(PurePath(filename or "").name, limit=None),
        len(rows),
        mode,
        facts,
        shown,
        findings,
        rules.items.premium.rate,
        rules.items.premium,
        _capital_readings(rules, parts, mode),
    )


# -- the report as text ---------------------------------------------------------------


def format_report(report: BudgetReport, lang: str) -> str:
    """The report for a chat or a terminal: violations, warnings, totals per part, the premium."""
    zh = lang != "en"
    lines = [
        f"經費表檢查：{report.filename}（{report.rows} 列，模式{'一' if report.mode == 1 else '二'}）"
        if zh
        else f"Budget check: {report.filename} ({report.rows} rows, mode {report.mode})"
    ]
    violations, warnings = report.violations, report.warnings
    if violations:
        lines.append(
            f"發現 {len(violations)} 項違規" + (f"、{len(warnings)} 項提醒" if warnings else "") + "。"
            if zh
            else f"{len(violations)} violation(s)" + (f" and {len(warnings)} warning(s)" if warnings else "") + "."
        )
    else:
        lines.append(
            "沒有發現違規。" + (f"另有 {len(warnings)} 項提醒。" if warnings else "")
            if zh
            else "No violations found." + (f" {len(warnings)} warning(s)." if warnings else "")
        )
    for title, group in (
        (("違規：", "Violations:"), violations),
        (("提醒：", "Warnings:"), warnings),
        (("本檢查採用的判讀（計畫未明確規定）：", "Readings applied (the plan is unclear):"), report.readings),
    ):
        if not group:
            continue
        lines.append(title[0] if zh else title[1])
        for number, finding in enumerate(group, 1):
            lines.append(f"{number}. {finding.message.get(lang)}")
            if finding.rule is not None:
                lines.append(f"   依據：{finding.rule.source(lang)}" if zh else f"   Rule: {finding.rule.source(lang)}")
    lines.append("各面向合計：" if zh else "Totals per part:")
    for summary in report.parts.values():
        cap = (
            (f"（上限 {money(summary.ceiling, lang)}）" if zh else f" (ceiling {money(summary.ceiling, lang)})")
            if summary.ceiling is not None
            else ""
        )
        lines.append(
            f"・{summary.label.zh}：經常門 {money(summary.recurrent, lang)}＋資本門 {money(summary.capital, lang)}"
            f"＝{money(summary.total, lang)}{cap}"
            if zh
            else f"- {summary.label.en}: recurrent {money(summary.recurrent, lang)} + capital "
            f"{money(summary.capital, lang)} = {money(summary.total, lang)}{cap}"
        )
    lines.append(f"總計 {money(report.total, lang)}" if zh else f"Total: {money(report.total, lang)}")
    lines.append(
        f"補充保費（{pct(report.premium_rate)}）：" if zh else f"Supplementary premium ({pct(report.premium_rate)}):"
    )
    for summary in report.parts.values():
        if summary.premium_base or summary.premium_budgeted:
            lines.append(
                f"・{summary.label.zh}：計費項目 {money(summary.premium_base, lang)}，應編 "
                f"{money(summary.premium_expected, lang)}，已編 {money(summary.premium_budgeted, lang)}"
                if zh
                else f"- {summary.label.en}: fee items {money(summary.premium_base, lang)}, should be "
                f"{money(summary.premium_expected, lang)}, budgeted {money(summary.premium_budgeted, lang)}"
            )
    if report.premium_rule is not None:
        lines.append(f"依據：{report.premium_rule.source(lang)}" if zh else f"Rule: {report.premium_rule.source(lang)}")
    return "\n".join(lines)
