"""The plan calendar: ROC years, 學年度, semesters and the deadlines in knowledge/data/calendar.yaml."""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import yaml

from knowledge.dates import Phase, PlanRules, add_months, gregorian_to_roc, roc_to_gregorian
from knowledge.errors import PolicybotError
from knowledge.loader import YAML_LOADER

TAIPEI = ZoneInfo("Asia/Taipei")


class CalendarError(PolicybotError):
    """calendar.yaml is missing, malformed or inconsistent; the message names the file and entry."""


def taipei_now() -> datetime:
    return datetime.now(TAIPEI)


def as_taipei(moment: datetime) -> datetime:
    """An aware datetime in Asia/Taipei; a naive one is taken to be Taipei time already."""
    return moment.replace(tzinfo=TAIPEI) if moment.tzinfo is None else moment.astimezone(TAIPEI)


@dataclass(frozen=True)
class Semester:
    school_year: int  # ROC 學年度
    number: int  # 1 or 2
    start: date
    end: date


@dataclass(frozen=True)
class SchoolYears:
    """學年度 arithmetic. Defaults: the school year starts on 8/1, the second semester on 2/1.

    The semester boundary is the usual school calendar, not something the plan states.
    """

    start_month: int = 8
    start_day: int = 1
    second_semester_month: int = 2
    second_semester_day: int = 1

    def start(self, school_year: int) -> date:
        return date(roc_to_gregorian(school_year), self.start_month, self.start_day)

    def end(self, school_year: int) -> date:
        return date.fromordinal(self.start(school_year + 1).toordinal() - 1)

    def of(self, day: date) -> int:
        """The 學年度 a day belongs to."""
        roc = gregorian_to_roc(day.year)
        return roc if day >= self.start(roc) else roc - 1

    def semesters(self, school_year: int) -> tuple[Semester, Semester]:
        second = date(roc_to_gregorian(school_year) + 1, self.second_semester_month, self.second_semester_day)
        return (
            Semester(school_year, 1, self.start(school_year), date.fromordinal(second.toordinal() - 1)),
            Semester(school_year, 2, second, self.end(school_year)),
        )

    def semester_of(self, day: date) -> Semester:
        first, second = self.semesters(self.of(day))
        return first if day <= first.end else second


@dataclass(frozen=True)
class Kind:
    id: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Deadline:
    id: str
    kind: str  # the main kind; `kinds` holds all of them (a county entry may be closeout + county)
    title_zh: str
    title_en: str
    date: date | None  # None: a county deadline nobody has dated yet; listed, never reminded
    source: str  # zh: plan section, or who sets the date
    source_en: str = ""
    assumption_zh: str = ""
    assumption_en: str = ""
    kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in self.kinds:
            object.__setattr__(self, "kinds", (self.kind, *self.kinds))

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def source_text(self, lang: str) -> str:
        return self.source_en if lang == "en" and self.source_en else self.source

    def assumption(self, lang: str) -> str:
        return self.assumption_en if lang == "en" else self.assumption_zh

    @property
    def key(self) -> str:
        """Identity in the sent-log: a moved date is a new deadline and gets its own reminders."""
        return f"{self.id}@{self.date.isoformat() if self.date else 'undated'}"


_ASSUME_SCHOOL_YEAR = (
    "假設核定執行期間為 {year} 學年度（{start} 至 {end}）；核定函另有規定者，以核定函為準。",
    "Assumes the approved execution period is school year {year} ({start} to {end}); "
    "if the approval letter says otherwise, the letter applies.",
)
_APPROVED_PERIOD = (
    "依核定函所載執行期間（{start} 至 {end}）計算。",
    "Computed from the execution period in the approval letter ({start} to {end}).",
)
_SEMESTER_CONVENTION = (
    "學期起訖採一般學年曆（本學期 {start} 至 {end}），非計畫所定；僅適用獲國教署擇優補助開放課室的學校（{selected} 校）。",
    "Semester dates follow the usual school calendar (this semester: {start} to {end}), not the plan; "
    "applies only to the schools selected for the open-classroom grant ({selected} schools).",
)


class PlanCalendar:
    """All deadlines of the plan calendar, derived and county-set, sorted by date."""

    def __init__(
        self,
        kinds: dict[str, Kind],
        deadlines: list[Deadline],
        school_years: SchoolYears,
        rules: PlanRules | None = None,
    ):
        self.kinds = kinds
        self.school_years = school_years
        self.rules = rules or PlanRules()
        self._all = sorted(deadlines, key=lambda d: (d.date or date.max, d.id))

    @classmethod
    def load(cls, path: str | Path | None = None) -> PlanCalendar:
        if path is None:
            resource = importlib.resources.files("knowledge") / "data" / "calendar.yaml"
            name, text = str(resource), resource.read_text(encoding="utf-8")
        else:
            name = str(path)
            try:
                text = Path(path).read_text(encoding="utf-8")
            except OSError as exc:
                raise CalendarError(f"{name}: cannot read the plan calendar ({exc})") from exc
        try:
            data = yaml.load(text, Loader=YAML_LOADER)
        except yaml.YAMLError as exc:
            raise CalendarError(f"{name}: not valid YAML ({exc})") from exc
        return _Builder(name, data).build()

    def deadlines(self, after: date) -> list[Deadline]:
        """Dated deadlines on or after `after` (a deadline day still counts, with 0 days left)."""
        return [d for d in self._all if d.date is not None and d.date >= after]

    def undated(self) -> list[Deadline]:
        return [d for d in self._all if d.date is None]

    def get(self, deadline_id: str) -> Deadline | None:
        return next((d for d in self._all if d.id == deadline_id), None)

    def resolve_kind(self, word: str) -> str | None:
        """The kind id a user's word names (id, zh/en name or alias), or None."""
        folded = word.strip().casefold()
        for kind in self.kinds.values():
            names = (kind.id, kind.zh, kind.en, *kind.aliases)
            if folded in (n.casefold() for n in names):
                return kind.id
        return None


class _Builder:
    """Turns the parsed YAML into a PlanCalendar, naming the file and entry on any error."""

    def __init__(self, name: str, data: Any):
        self.name = name
        if not isinstance(data, dict):
            self.fail("top level", "expected a mapping")
        self.data: dict[str, Any] = data

    def fail(self, where: str, problem: str) -> NoReturn:
        raise CalendarError(f"{self.name}: {where}: {problem}")

    def need(self, mapping: Any, key: str, where: str) -> Any:
        if not isinstance(mapping, dict) or mapping.get(key) is None:
            self.fail(where, f"missing `{key}`")
        return mapping[key]

    def pair(self, mapping: Any, key: str, where: str) -> tuple[str, str]:
        value = self.need(mapping, key, where)
        zh, en = self.need(value, "zh", f"{where}.{key}"), self.need(value, "en", f"{where}.{key}")
        return str(zh), str(en)

    def integer(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"expected a whole number, not {value!r}")
        return value

    def day(self, value: Any, where: str) -> date | None:
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(where, f"not a date (YYYY-MM-DD): {value!r}")

    def month_day(self, key: str, sub: str, where: str) -> tuple[int, int]:
        value = self.need(self.need(self.data, key, where), sub, where)
        month, day_ = self.need(value, "month", f"{where}.{sub}"), self.need(value, "day", f"{where}.{sub}")
        try:
            date(2001, int(month), int(day_))
        except (TypeError, ValueError):
            self.fail(f"{where}.{sub}", f"not a month/day: {value!r}")
        return int(month), int(day_)

    def build(self) -> PlanCalendar:
        if self.need(self.data, "timezone", "top level") != "Asia/Taipei":
            self.fail("timezone", "only Asia/Taipei is supported")
        kinds = self.kinds()
        start = self.month_day("school_year", "start", "school_year")
        second = self.month_day("semesters", "second_start", "semesters")
        years = SchoolYears(start[0], start[1], second[0], second[1])
        self.found_phases: list[Phase] = []
        self.found_periods: list[tuple[int, date, date, bool]] = []
        deadlines = self.phases(years) + self.plan_years(years) + self.county()
        seen: set[str] = set()
        for d in deadlines:
            if d.id in seen:
                self.fail(d.id, "duplicate id")
            seen.add(d.id)
            for k in d.kinds:
                if k not in kinds:
                    self.fail(d.id, f"unknown kind `{k}` (known: {', '.join(kinds)})")
        closeout = self.need(self.need(self.data, "rules", "top level"), "closeout", "rules")
        plan_rules = PlanRules(
            phases=tuple(self.found_phases),
            plan=self.pair(self.data, "source_title", "top level"),
            closeout_months=self.integer(closeout.get("months_after_period_end"), "rules.closeout"),
            closeout_source=self.source(self.need(closeout, "section", "rules.closeout")),
            periods=tuple(self.found_periods),
        )
        return PlanCalendar(kinds, deadlines, years, plan_rules)

    def kinds(self) -> dict[str, Kind]:
        raw = self.need(self.data, "kinds", "top level")
        if not isinstance(raw, dict):
            self.fail("kinds", "expected a mapping")
        result = {}
        for kid, spec in raw.items():
            zh, en = self.need(spec, "zh", f"kinds.{kid}"), self.need(spec, "en", f"kinds.{kid}")
            result[str(kid)] = Kind(str(kid), str(zh), str(en), tuple(str(a) for a in spec.get("aliases") or ()))
        return result

    def kind_list(self, spec: Any, where: str) -> tuple[str, ...]:
        kinds = self.need(spec, "kinds", where)
        if not isinstance(kinds, list) or not kinds:
            self.fail(where, "`kinds` must be a non-empty list")
        return tuple(str(k) for k in kinds)

    def source(self, section: str) -> tuple[str, str]:
        zh, en = self.pair(self.data, "source_title", "top level")
        return f"{zh} {section}", f"{en}, section {section}"

    def phases(self, years: SchoolYears) -> list[Deadline]:
        result = []
        for i, spec in enumerate(self.need(self.data, "phases", "top level")):
            where = f"phases[{i}]"
            first_last = self.need(spec, "school_years", where)
            if not (isinstance(first_last, list) and len(first_last) == 2):
                self.fail(where, "`school_years` must be [first, last]")
            zh, en = self.pair(spec, "title", where)
            src = self.source(self.need(spec, "section", where))
            first, last = self.integer(first_last[0], where), self.integer(first_last[1], where)
            self.found_phases.append(Phase(i + 1, first, last, src))
            result.append(
                Deadline(
                    id=str(self.need(spec, "id", where)),
                    kind="phase_end",
                    title_zh=zh,
                    title_en=en,
                    date=years.end(self.integer(first_last[1], where)),
                    source=src[0],
                    source_en=src[1],
                    kinds=("phase_end",),
                )
            )
        return result

    def plan_years(self, years: SchoolYears) -> list[Deadline]:
        rules = self.need(self.data, "rules", "top level")
        result = []
        for i, spec in enumerate(self.need(self.data, "plan_years", "top level")):
            where = f"plan_years[{i}]"
            year = self.integer(self.need(spec, "school_year", where), where)
            approved = spec.get("approved_period") or {}
            start = self.day(approved.get("start"), f"{where}.approved_period.start")
            end = self.day(approved.get("end"), f"{where}.approved_period.end")
            if (start is None) != (end is None):
                self.fail(f"{where}.approved_period", "give both start and end from the approval letter, or neither")
            template = _APPROVED_PERIOD if end else _ASSUME_SCHOOL_YEAR
            assumed = end is None
            start, end = start or years.start(year), end or years.end(year)
            if end < start:
                self.fail(f"{where}.approved_period", "end is before start")
            self.found_periods.append((year, start, end, assumed))
            ad = roc_to_gregorian(year)
            fill = {
                "year": year,
                "ad": f"{ad}-{(ad + 1) % 100:02d}",
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
            assume = (template[0].format(**fill), template[1].format(**fill))
            closeout = self.need(rules, "closeout", "rules")
            closeout_months = self.integer(
                self.need(closeout, "months_after_period_end", "rules.closeout"), "rules.closeout"
            )
            result.append(self.rule(rules, "period_end", fill, end, assume))
            result.append(self.rule(rules, "closeout", fill, add_months(end, closeout_months), assume))
            classroom = self.need(rules, "open_classroom", "rules")
            times, visitors, selected = (
                self.integer(self.need(classroom, key, "rules.open_classroom"), "rules.open_classroom")
                for key in ("times_per_semester", "visitors_per_semester", "schools_selected")
            )
            for sem in years.semesters(year):
                sem_fill = {
                    **fill,
                    "semester": sem.number,
                    "times": times,
                    "visitors": visitors,
                    "selected": selected,
                    "start": sem.start.isoformat(),
                    "end": sem.end.isoformat(),
                }
                convention = (_SEMESTER_CONVENTION[0].format(**sem_fill), _SEMESTER_CONVENTION[1].format(**sem_fill))
                result.append(self.rule(rules, "open_classroom", sem_fill, sem.end, convention))
        return result

    def rule(self, rules: Any, name: str, fill: dict[str, Any], day: date, assume: tuple[str, str]) -> Deadline:
        where = f"rules.{name}"
        spec = self.need(rules, name, "rules")
        zh, en = self.pair(spec, "title", where)
        kinds = self.kind_list(spec, where)
        src = self.source(self.need(spec, "section", where))
        try:
            return Deadline(
                id=str(self.need(spec, "id", where)).format(**fill),
                kind=kinds[0],
                title_zh=zh.format(**fill),
                title_en=en.format(**fill),
                date=day,
                source=src[0],
                source_en=src[1],
                assumption_zh=assume[0],
                assumption_en=assume[1],
                kinds=kinds,
            )
        except (KeyError, IndexError, ValueError) as exc:
            self.fail(where, f"bad placeholder in id or title ({exc})")

    def county(self) -> list[Deadline]:
        result = []
        for i, spec in enumerate(self.data.get("county_deadlines") or []):
            where = f"county_deadlines[{i}]"
            did = str(self.need(spec, "id", where))
            where = f"county_deadlines[{i}] ({did})"
            zh, en = self.pair(spec, "title", where)
            src_zh, src_en = self.pair(spec, "source", where)
            if "date" not in spec:
                self.fail(where, "missing `date` (write `date: null` if it is not known yet)")
            kinds = self.kind_list(spec, where)
            result.append(
                Deadline(
                    id=did,
                    kind=kinds[0],
                    title_zh=zh,
                    title_en=en,
                    date=self.day(spec["date"], f"{where}.date"),
                    source=src_zh,
                    source_en=src_en,
                    kinds=kinds,
                )
            )
        return result
