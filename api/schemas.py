"""The shapes of the API's answers (they make its OpenAPI schema)."""

from datetime import date
from typing import Literal

from ninja import Schema

Level = Literal["province", "district", "commune"]
Number = int | float


class Error(Schema):
    detail: str
    errors: list[dict[str, str]] = []


class UnitRef(Schema):
    code: str
    name: str
    level: Level
    valid_from: date | None
    valid_to: date | None


class Unit(UnitRef):
    kind: str
    parent: UnitRef | None
    predecessors: list[UnitRef]
    successors: list[UnitRef]


class UnitPage(Schema):
    date: date
    items: list[Unit]
    next_after: str | None


class Milestone(Schema):
    year: int
    label: str


class Timeline(Schema):
    kind: Literal["range", "annual", "milestones"]
    start_year: int
    end_year: int
    milestones: list[Milestone]


class Task(Schema):
    number: str
    heading: str
    text: str
    lead: list[str]
    lead_role: str
    partners: list[str]
    timeline: Timeline


class TaskGroup(Schema):
    number: str
    title: str
    tasks: list[Task]


class PlanInfo(Schema):
    title: str
    decision: str
    start_year: int
    end_year: int


class Plan(Schema):
    plan: PlanInfo
    groups: list[TaskGroup]


class TaskInGroup(Task):
    group: str


class ShortUnit(Schema):
    code: str
    name: str
    value: Number | None


class TargetResult(Schema):
    code: str
    applies: bool
    value: Number | None
    numerator: Number | None
    denominator: Number | None
    threshold: Number | list[Number]
    comparator: str
    met: bool | None
    deadline_year: int
    source: Literal["approved", "provisional"]
    definition: str | None
    short: list[ShortUnit]
    reason: str | None


class YearUnit(Schema):
    code: str
    name: str
    level: Level


class Targets(Schema):
    year: int
    unit: YearUnit
    cutoff: date
    targets: list[TargetResult]


class Figures(Schema):
    teams: int
    compliant_teams: int
    supported_teams: int
    mediators: int
    trained: int
    with_material: int
    new_due: int
    new_trained_in_time: int
    cases_received: int
    cases_successful: int
    cases_unsuccessful: int


class UnitFigures(YearUnit):
    approved: bool
    figures: Figures | None


class ApprovedFigures(Schema):
    year: int
    unit: YearUnit
    cutoff: date
    reports_approved: int
    reports_expected: int
    totals: Figures | None
    units: list[UnitFigures]


class Team(Schema):
    id: int
    name: str
    commune: UnitRef
    established_on: date | None
    dissolved_on: date | None
    ethnic_minority_area: bool


class TeamPage(Schema):
    items: list[Team]
    next_after: int | None


class Mediator(Schema):
    id: int
    team_id: int
    commune_code: str
    full_name: str
    sex: str
    birth_year: int | None
    ethnicity: str
    role: str
    background: str
    recognised_on: date
    left_on: date | None
    material_access_on: date | None


class MediatorPage(Schema):
    items: list[Mediator]
    next_after: int | None
