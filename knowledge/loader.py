"""Load and validate the YAML knowledge base.

Validation is strict on purpose: coordinators edit these files by hand, and a typo must
stop loading with a message naming the file and the entry, not surface later as a wrong
answer in a chat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import PolicybotError
from knowledge.model import (
    LANGS,
    Bilingual,
    Condition,
    Detail,
    Document,
    Entry,
    KnowledgeBase,
    OutOfScope,
    SlotValue,
    UncoveredYear,
)
from knowledge.textnorm import Normalizer

# libyaml's safe parser when PyYAML was built with it: ten times faster than the pure-Python one.
# Every YAML file policybot reads (knowledge base, rules, calendar, uploaded budgets) uses it.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DATA_DIR = Path(str(resources.files("knowledge") / "data"))
SOURCES_DIR = Path(str(resources.files("knowledge") / "sources"))

# Files in the data folder that are not entry files.
SUPPORT_FILES = {"documents.yaml", "topics.yaml", "synonyms.yaml", "out_of_scope.yaml"}
# Files owned by other parts of policybot (calculators, reminders): not entry files either.
NON_ENTRY_PREFIXES = ("rules_", "calendar")

SLOT_NAMES = {"year", "level", "mode", "domains", "classes", "branch"}
LEVELS = {"國小", "國中", "高中"}
ENTRY_REQUIRED = {"id", "topic", "section", "title", "phrasings", "answer", "quotes"}
ENTRY_OPTIONAL = {
    "keywords",
    "when",
    "details",
    "derived",
    "yes_if",
    "no_if",
    "must_if",
    "need_not_if",
    "only_for",
    "uncapped",
}
DIGITS = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


class KnowledgeBaseError(PolicybotError):
    """The knowledge base cannot be loaded; the message names the file and entry."""


@dataclass(frozen=True)
class _Where:
    file: str
    entry: str = ""

    def fail(self, message: str) -> KnowledgeBaseError:
        where = f"{self.file}" + (f", entry '{self.entry}'" if self.entry else "")
        return KnowledgeBaseError(f"{where}: {message}")


def squash(text: str) -> str:
    """Remove all whitespace: PDF extraction broke lines anywhere, quotes must still match."""
    return re.sub(r"\s+", "", text)


def numbers_in(text: str) -> set[str]:
    """Digit sequences in a text, with thousands separators removed ("1,000" -> "1000")."""
    return {match.replace(",", "") for match in DIGITS.findall(text)}


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        raise _Where(path.name).fail(f"is not valid YAML: {exc}") from exc


def _bilingual(value: Any, where: _Where, field: str) -> Bilingual:
    if not isinstance(value, dict) or set(value) != set(LANGS):
        raise where.fail(f"'{field}' must have exactly the keys zh and en")
    for lang in LANGS:
        if not isinstance(value[lang], str) or not value[lang].strip():
            raise where.fail(f"'{field}.{lang}' must be non-empty text")
    return Bilingual(zh=value["zh"].strip(), en=value["en"].strip())


def _strings(value: Any, where: _Where, field: str, minimum: int = 0) -> tuple[str, ...]:
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise where.fail(f"'{field}' must be a list of texts")
    items = tuple(str(v).strip() for v in value if str(v).strip())
    if len(items) < minimum:
        raise where.fail(f"'{field}' needs at least {minimum} item(s)")
    return items


def _conditions(value: Any, where: _Where, field: str) -> tuple[Condition, ...]:
    """`yes_if`/`no_if`/`must_if`/`need_not_if`: a list of conditions, each a list of word groups
    (each a list of words)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(c, list) and c for c in value):
        raise where.fail(f"'{field}' must be a list of conditions, each a list of word lists")
    return tuple(
        tuple(_strings(group, where, f"{field}[{i}][{j}]", 1) for j, group in enumerate(condition))
        for i, condition in enumerate(value)
    )


def _slots(value: Any, where: _Where, field: str) -> dict[str, SlotValue]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise where.fail(f"'{field}' must be a mapping of slot names to values")
    slots: dict[str, SlotValue] = {}
    for name, raw in value.items():
        if name not in SLOT_NAMES:
            raise where.fail(f"'{field}' has unknown slot '{name}' (known: {', '.join(sorted(SLOT_NAMES))})")
        if isinstance(raw, list):
            if len(raw) != 2 or not all(v is None or isinstance(v, int) for v in raw):
                raise where.fail(f"'{field}.{name}' range must be [min, max] with numbers or null")
            slots[name] = (raw[0], raw[1])
        elif name == "level" and raw not in LEVELS:
            raise where.fail(f"'{field}.level' must be one of {', '.join(sorted(LEVELS))}")
        else:
            slots[name] = raw
    return slots


def load_documents(data_dir: Path) -> dict[str, Document]:
    where = _Where("documents.yaml")
    raw = _read_yaml(data_dir / "documents.yaml") or {}
    documents: dict[str, Document] = {}
    for item in raw.get("documents", []):
        doc_where = _Where(where.file, str(item.get("id", "?")))
        known = {"id", "short", "title", "issuer", "source_text", "when", "cues", "coverage", "no_amounts"}
        unknown = item.keys() - known
        if unknown:
            raise doc_where.fail(f"unknown field(s): {', '.join(sorted(unknown))}")
        doc = Document(
            id=item["id"],
            short=_bilingual(item.get("short"), doc_where, "short"),
            title=_bilingual(item.get("title"), doc_where, "title"),
            issuer=_bilingual(item.get("issuer"), doc_where, "issuer"),
            source_text=item["source_text"],
            when=_slots(item.get("when"), doc_where, "when"),
            cues=_strings(item.get("cues"), doc_where, "cues"),
            coverage={
                str(label): _strings(ids, doc_where, f"coverage.{label}", 1)
                for label, ids in (item.get("coverage") or {}).items()
            },
            no_amounts=_bilingual(item["no_amounts"], doc_where, "no_amounts") if "no_amounts" in item else None,
        )
        documents[doc.id] = doc
    if not documents:
        raise where.fail("lists no documents")
    return documents


def load_topics(data_dir: Path) -> dict[str, Bilingual]:
    where = _Where("topics.yaml")
    raw = _read_yaml(data_dir / "topics.yaml") or {}
    return {key: _bilingual(value, where, key) for key, value in (raw.get("topics") or {}).items()}


def load_synonyms(data_dir: Path, normalizer: Normalizer) -> dict[str, str]:
    where = _Where("synonyms.yaml")
    raw = _read_yaml(data_dir / "synonyms.yaml") or {}
    table: dict[str, str] = {}
    unknown = raw.keys() - {"synonyms", "typos"}
    if unknown:
        raise where.fail(f"unknown top-level key(s): {', '.join(sorted(unknown))}")
    pairs = [*(raw.get("synonyms") or {}).items(), *(raw.get("typos") or {}).items()]
    for canonical, variants in pairs:
        key = normalizer.base(str(canonical))
        for variant in _strings(variants, where, str(canonical), minimum=1):
            norm = normalizer.base(variant)
            if norm in table and table[norm] != key:
                raise where.fail(f"'{variant}' is a synonym of both '{table[norm]}' and '{key}'")
            table[norm] = key
    return table


def load_out_of_scope(data_dir: Path) -> tuple[Bilingual, tuple[OutOfScope, ...], UncoveredYear | None]:
    where = _Where("out_of_scope.yaml")
    raw = _read_yaml(data_dir / "out_of_scope.yaml") or {}
    unknown = raw.keys() - {"fallback", "out_of_scope", "uncovered_year"}
    if unknown:
        raise where.fail(f"unknown top-level key(s): {', '.join(sorted(unknown))}")
    fallback = _bilingual(raw.get("fallback"), where, "fallback")
    uncovered = None
    if raw.get("uncovered_year"):
        item = raw["uncovered_year"]
        uncovered = UncoveredYear(
            except_words=_strings(item.get("except_words"), where, "except_words"),
            reply=_bilingual(item.get("reply"), _Where(where.file, "uncovered_year"), "reply"),
        )
    rules = tuple(
        OutOfScope(
            id=item["id"],
            triggers=_strings(item.get("triggers"), _Where(where.file, item["id"]), "triggers", 1),
            reply=_bilingual(item.get("reply"), _Where(where.file, item["id"]), "reply"),
            except_words=_strings(item.get("except_words"), _Where(where.file, item["id"]), "except_words"),
            said_except_words=_strings(
                item.get("said_except_words"), _Where(where.file, item["id"]), "said_except_words"
            ),
        )
        for item in raw.get("out_of_scope", [])
    )
    return fallback, rules, uncovered


def _entry(raw: Any, file: str, document: Document, topics: dict[str, Bilingual]) -> Entry:
    if not isinstance(raw, dict):
        raise _Where(file).fail("every item under 'entries' must be a mapping")
    where = _Where(file, str(raw.get("id", "?")))
    missing = ENTRY_REQUIRED - raw.keys()
    if missing:
        raise where.fail(f"missing field(s): {', '.join(sorted(missing))}")
    unknown = raw.keys() - ENTRY_REQUIRED - ENTRY_OPTIONAL
    if unknown:
        raise where.fail(f"unknown field(s): {', '.join(sorted(unknown))}")
    if raw["topic"] not in topics:
        raise where.fail(f"unknown topic '{raw['topic']}' (see topics.yaml)")
    phrasings = raw["phrasings"]
    if not isinstance(phrasings, dict) or set(phrasings) != set(LANGS):
        raise where.fail("'phrasings' must have exactly the keys zh and en")
    details = []
    for index, item in enumerate(raw.get("details") or []):
        if not isinstance(item, dict) or set(item) != {"when", "zh", "en"}:
            raise where.fail(f"details[{index}] must have exactly when, zh and en")
        details.append(
            Detail(
                when=_slots(item["when"], where, f"details[{index}].when"),
                text=_bilingual({"zh": item["zh"], "en": item["en"]}, where, f"details[{index}]"),
            )
        )
    only_for, outside = _only_for(raw.get("only_for"), where)
    return Entry(
        id=str(raw["id"]),
        document=document,
        topic=raw["topic"],
        section=str(raw["section"]).strip(),
        title=_bilingual(raw["title"], where, "title"),
        phrasings={lang: _strings(phrasings[lang], where, f"phrasings.{lang}", 2) for lang in LANGS},
        answer=_bilingual(raw["answer"], where, "answer"),
        quotes=_strings(raw["quotes"], where, "quotes", 1),
        keywords=_strings(raw.get("keywords"), where, "keywords"),
        when={**document.when, **_slots(raw.get("when"), where, "when")},
        details=tuple(details),
        derived=_strings(raw.get("derived"), where, "derived"),
        yes_if=_conditions(raw.get("yes_if"), where, "yes_if"),
        no_if=_conditions(raw.get("no_if"), where, "no_if"),
        must_if=_conditions(raw.get("must_if"), where, "must_if"),
        need_not_if=_conditions(raw.get("need_not_if"), where, "need_not_if"),
        only_for=only_for,
        outside=outside,
        uncapped=_flag(raw.get("uncapped", False), where, "uncapped"),
        file=file,
    )


def _flag(raw: Any, where: _Where, name: str) -> bool:
    if not isinstance(raw, bool):
        raise where.fail(f"{name} must be true or false")
    return raw


def _only_for(raw: Any, where: _Where) -> tuple[dict[str, SlotValue], Bilingual | None]:
    """`only_for: {when: {mode: 2}, outside: {zh, en}}`: the case a rule is stated for, and the
    reply to it asked of another case."""
    if raw is None:
        return {}, None
    if not isinstance(raw, dict) or set(raw) != {"when", "outside"}:
        raise where.fail("only_for must have exactly when and outside")
    when = _slots(raw["when"], where, "only_for.when")
    if not when:
        raise where.fail("only_for.when must name a case")
    return when, _bilingual(raw["outside"], where, "only_for.outside")


def entry_files(data_dir: Path) -> list[Path]:
    return sorted(
        path
        for path in data_dir.glob("*.yaml")
        if path.name not in SUPPORT_FILES and not path.name.startswith(NON_ENTRY_PREFIXES)
    )


def _check_unique_phrasings(entries: Iterable[Entry], normalizer: Normalizer) -> None:
    owner: dict[str, Entry] = {}
    for entry in entries:
        for lang in LANGS:
            for phrasing in entry.phrasings[lang]:
                key = normalizer(phrasing)
                other = owner.setdefault(key, entry)
                if other is not entry:
                    raise _Where(entry.file, entry.id).fail(
                        f"phrasing '{phrasing}' is also a phrasing of entry '{other.id}' ({other.file})"
                    )


def load(data_dir: Path | None = None) -> KnowledgeBase:
    """Load every YAML file of the knowledge base, validating as it goes."""
    data_dir = data_dir or DATA_DIR
    documents = load_documents(data_dir)
    topics = load_topics(data_dir)
    synonyms = load_synonyms(data_dir, Normalizer())
    fallback, out_of_scope, uncovered_year = load_out_of_scope(data_dir)
    entries: dict[str, Entry] = {}
    for path in entry_files(data_dir):
        raw = _read_yaml(path) or {}
        where = _Where(path.name)
        if not isinstance(raw, dict):
            raise where.fail("must be a mapping with 'document' and 'entries'")
        unknown = raw.keys() - {"document", "entries"}
        if unknown:
            raise where.fail(f"unknown top-level key(s): {', '.join(sorted(unknown))}")
        if raw.get("document") not in documents:
            raise where.fail(f"'document' must be one of {', '.join(documents)}")
        for item in raw.get("entries") or []:
            entry = _entry(item, path.name, documents[raw["document"]], topics)
            if entry.id in entries:
                raise _Where(path.name, entry.id).fail(f"duplicate id (also in {entries[entry.id].file})")
            entries[entry.id] = entry
    _check_unique_phrasings(entries.values(), Normalizer(dict(synonyms)))
    return KnowledgeBase(
        documents=documents,
        topics=topics,
        entries=entries,
        synonyms=synonyms,
        out_of_scope=out_of_scope,
        fallback=fallback,
        uncovered_year=uncovered_year,
    )


def coverage_gaps(kb: KnowledgeBase) -> dict[str, dict[str, list[str]]]:
    """Per document and required section, the entry ids it lists that the knowledge base lacks."""
    return {
        doc.id: {label: [i for i in ids if i not in kb.entries] for label, ids in doc.coverage.items()}
        for doc in kb.documents.values()
    }


def source_text(document: Document, sources_dir: Path | None = None) -> str:
    return ((sources_dir or SOURCES_DIR) / document.source_text).read_text(encoding="utf-8")


def provenance_problems(kb: KnowledgeBase, sources_dir: Path | None = None) -> list[str]:
    """Quotes not found in the plan text, and numbers in answers backed by no quote.

    Used by `policybot check-kb` and the test suite: the plans are the only source of facts.
    """
    problems: list[str] = []
    texts = {doc.id: squash(source_text(doc, sources_dir)) for doc in kb.documents.values()}
    for entry in kb.entries.values():
        backed: set[str] = set(entry.derived)
        for quote in entry.quotes:
            if squash(quote) not in texts[entry.document.id]:
                problems.append(f"{entry.file}, entry '{entry.id}': quote not in the plan text: {quote[:60]}")
            backed |= numbers_in(quote)
        stated = numbers_in(entry.answer.zh)
        for detail in entry.details:
            stated |= numbers_in(detail.text.zh)
        for number in sorted(stated - backed):
            problems.append(f"{entry.file}, entry '{entry.id}': number {number} in the answer is in no quote")
    return problems
