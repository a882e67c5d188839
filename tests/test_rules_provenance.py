"""knowledge/data/rules_moe_115.yaml: every number traced to the plan, and a strict loader."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from knowledge import loader
from knowledge.funding_rules import (
    RULES_FILE,
    RulesError,
    load_rules,
    parse_money,
    parse_rate,
    provenance_problems,
    read_raw,
)

PLAN_TEXT = (loader.SOURCES_DIR / "moe_bilingual_campus_115.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def raw() -> dict:
    return read_raw()


def test_every_quote_is_in_the_plan_and_every_number_in_a_quote(raw: dict) -> None:
    assert provenance_problems(raw, PLAN_TEXT) == []


def test_the_rules_file_names_its_plan_text(raw: dict) -> None:
    documents = loader.load_documents(loader.DATA_DIR)
    assert documents[raw["document"]].source_text == "moe_bilingual_campus_115.txt"


def test_every_rule_carries_quotes(raw: dict) -> None:
    for group, node in raw.items():
        if group == "document":
            continue
        rules = [node] if "quotes" in node else list(node.values())
        assert all(isinstance(rule, dict) and rule.get("quotes") for rule in rules), group


@pytest.mark.parametrize(
    "path, value, expected",
    [
        (("items", "attendance_fee", "cap"), "2,500", "number 2500"),
        (("ceilings", "mode1", "tiers", 1, "amounts", "bilingual_life"), "26萬", "number 26"),
        (("items", "premium", "rate"), "2.2%", "number 2.2"),
        (("teaching_load", "lead"), 7, "number 7"),
        (("items", "equipment", "kinds", "tablet", "cap"), "1萬6,000", "number 6000"),
        (("capital", "pooling", "reading", "zh"), "兩面向資本門合計不超過 25%", "number 25"),
    ],
)
def test_a_number_not_in_the_quotes_is_reported(raw: dict, path: tuple, value: object, expected: str) -> None:
    changed = copy.deepcopy(raw)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    problems = provenance_problems(changed, PLAN_TEXT)
    assert any(expected in p for p in problems), problems


def test_a_quote_not_in_the_plan_is_reported(raw: dict) -> None:
    changed = copy.deepcopy(raw)
    changed["items"]["lodging"]["quotes"] = ["每人每日上限 4,000 元。"]
    problems = provenance_problems(changed, PLAN_TEXT)
    assert any("quote not in the plan text" in p for p in problems)
    assert any("number 3000" in p for p in problems)


def test_quotes_ignore_whitespace(raw: dict) -> None:
    changed = copy.deepcopy(raw)
    changed["items"]["lodging"]["quotes"] = ["每人每日\n上限  3,000\t元。"]
    assert provenance_problems(changed, PLAN_TEXT) == []


def test_a_rule_without_quotes_is_reported(raw: dict) -> None:
    changed = copy.deepcopy(raw)
    del changed["items"]["misc"]["quotes"]
    assert any("items.misc: rule has no quotes" in p for p in provenance_problems(changed, PLAN_TEXT))


def test_places_are_not_numbers_of_a_rule(raw: dict) -> None:
    """`section: 附件3 ...` names where a rule is written; its digits need no quote."""
    assert raw["items"]["meals"]["section"]["zh"].startswith("附件3")
    assert provenance_problems(raw, PLAN_TEXT) == []


def test_partial_domain_tiers_add_up_to_the_totals_the_plan_states() -> None:
    rules = load_rules()
    quoted = {}
    for quote in rules.ceilings.partial_domains.quotes:
        match = re.search(r"(\d+)\s*萬元[(（]教師\s*(\d+)\s*萬元\+學生\s*(\d+)\s*萬元", quote)
        if match:
            total, teacher, student = (int(g) * 10000 for g in match.groups())
            quoted.setdefault((teacher, student), total)
    assert quoted
    for table in rules.ceilings.partial_domains.tables:
        for tier in table.tiers:
            pair = (tier.amounts["pd_teacher"], tier.amounts["pd_student"])
            assert quoted[pair] == sum(pair)


def test_the_entry_loader_skips_rules_files() -> None:
    assert RULES_FILE.name.startswith("rules_")
    assert RULES_FILE not in loader.entry_files(loader.DATA_DIR)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15萬", 150000),
        ("2萬5,000", 25000),
        ("1萬5,000", 15000),
        ("2,000", 2000),
        ("800", 800),
        (120, 120),
        ("3 萬", 30000),
        ("1.5萬", 15000),
    ],
)
def test_parse_money(text: object, expected: int) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", ["", "萬", "abc", "1.55萬元", "2,00", "-5"])
def test_parse_money_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text)


@pytest.mark.parametrize(
    "text, expected", [("20%", Decimal("0.2")), ("2.11%", Decimal("0.0211")), ("30%", Decimal("0.3"))]
)
def test_parse_rate(text: str, expected: Decimal) -> None:
    assert parse_rate(text) == expected


def _write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "rules_test.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r["items"]["lodging"].update(nightly="3,000"), "unknown key"),
        (lambda r: r["items"]["lodging"].pop("cap"), "missing key 'cap'"),
        (lambda r: r["items"]["lodging"].update(cap="three thousand"), "not an amount"),
        (lambda r: r["items"]["premium"].update(rate="2.11"), "not a percentage"),
        (lambda r: r["ceilings"]["mode1"]["tiers"][1].update(classes=[14, 35]), "gap or overlap"),
        (lambda r: r["ceilings"]["mode1"]["tiers"][2].update(classes=[36, 99]), "must be open"),
        (lambda r: r["items"]["misc"].update(quotes=[]), "at least one quote"),
        (lambda r: r["items"]["premium"].update(base_items=["attendance_fee", "lunch"]), "unknown item"),
        (lambda r: r["items"]["english_test"].update(other_level="B3"), "not a CEFR level"),
        (lambda r: r.update(document="nope"), "'document' must be one of"),
        (lambda r: r.update(items={"misc": r["items"].pop("misc"), **r["items"]}), "items must be listed in the order"),
        (lambda r: r["items"]["teaching_aids"].update(binding="soft"), "binding must be one of limit, principle"),
        (lambda r: r["items"]["teaching_aids"].update(binding="limit"), "use binding: principle"),
        (lambda r: r["items"]["teaching_aids"].pop("binding"), "use binding: principle"),
        (lambda r: r["items"]["misc"].update(binding="principle"), "use binding: limit"),
        (lambda r: r["items"]["equipment"]["kinds"]["tablet"].pop("binding"), "kinds.tablet.binding is limit"),
    ],
)
def test_the_loader_is_strict(tmp_path: Path, raw: dict, change, message: str) -> None:
    changed = copy.deepcopy(raw)
    change(changed)
    with pytest.raises(RulesError, match=re.escape(message)):
        load_rules(_write(tmp_path, changed))


def test_principle_limits_are_exactly_those_the_plan_writes_為原則() -> None:
    """教材教具費 20% and the equipment unit prices are 「…為原則」; 雜支 「不得逾」 is a hard limit."""
    rules = load_rules()
    assert rules.items.teaching_aids.binding == "principle"
    assert rules.items.misc.binding == "limit"
    assert {kind.binding for kind in rules.items.equipment.kinds.values()} == {"principle"}


def test_a_data_change_changes_the_answer(tmp_path: Path, raw: dict) -> None:
    """Next year's plan is a data change: no Python edit needed."""
    from knowledge.calculators import SchoolFacts, ceiling

    changed = copy.deepcopy(raw)
    changed["ceilings"]["mode1"]["tiers"][0]["amounts"]["bilingual_life"] = "18萬"
    result = ceiling(load_rules(_write(tmp_path, changed)), SchoolFacts(mode=1, classes=10))
    assert result.total == 180000
