"""Plain data for the optimizer: what goes in (Plan) and what comes out (Result).

Every class is a frozen dataclass holding only numbers, strings and tuples, so the web layer can
build them from the database and the optimizer never sees Flask or SQLAlchemy.

Contracts:
- Money (budget, unit_cost, fixed_cost, costs in results) is integer Rupiah.
- `impact_per_unit` may be an int, float, Decimal or Fraction; the optimizer reads a float as the
  decimal it prints as (`repr`), so 0.0002 means exactly 2/10000.
- Units are whole numbers. A proposal is either not funded (0 units) or funded with
  `max(1, min_units) <= units <= max_units`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Mapping, Optional, Tuple

from .messages import render

#: Lock values. A units lock is written `{"units": n}` in the plan file.
LOCK_IN = "in"
LOCK_OUT = "out"


@dataclass(frozen=True)
class Proposal:
    """One proposed activity. `lock` is None, "in", "out" or an int (exactly that many units)."""

    id: str
    name: str = ""
    unit_cost: int = 0
    fixed_cost: int = 0
    min_units: int = 1
    max_units: int = 1
    impact_per_unit: Any = 0
    category: str = ""
    package: str = ""
    target_group: str = ""
    location: str = ""
    lock: Any = None
    requires: Tuple[str, ...] = ()
    excludes: Tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # plan file version 2 (docs/optimizer.md); the defaults are version 1's meaning
    units_per_course: Any = 1      # > 0; whole with whole_courses
    whole_courses: bool = False
    effect: Optional[Mapping[str, float]] = field(default=None, compare=False, hash=False)
    already_reached: float = 0
    enabling: bool = False

    @property
    def step(self) -> int:
        """Units are funded in multiples of this: units_per_course with whole courses, else 1."""
        return self.units_per_course if self.whole_courses else 1

    @property
    def low_units(self) -> int:
        """Fewest units a funded proposal has: min_units, but at least 1."""
        return max(1, self.min_units)

    def cost(self, units: int) -> int:
        """Total cost in Rupiah of funding `units` units (0 units costs nothing)."""
        return self.fixed_cost + self.unit_cost * units if units > 0 else 0

    def impact(self, units: int) -> Fraction:
        """Exact impact of `units` units."""
        return exact(self.impact_per_unit) * units


@dataclass(frozen=True)
class Rules:
    """The plan's rules. Shares are fractions of the budget in [0, 1]."""

    category_min_share: Mapping[str, Any] = field(default_factory=dict)
    category_max_share: Mapping[str, Any] = field(default_factory=dict)
    location_max_share: Any = None
    packages_required: Tuple[str, ...] = ()
    target_groups_required: Tuple[str, ...] = ()

    def __hash__(self):  # mappings are not hashable; plans are compared, rarely hashed
        return hash((tuple(sorted(self.category_min_share.items())),
                     tuple(sorted(self.category_max_share.items())),
                     self.location_max_share, self.packages_required,
                     self.target_groups_required))


@dataclass(frozen=True)
class Plan:
    """A budget, its rules and the proposals competing for it (in the user's order)."""

    budget: int
    proposals: Tuple[Proposal, ...]
    rules: Rules = field(default_factory=Rules)
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # plan file version 2: {group: {"population", "baseline_risk", "source"}}, stunted children
    version: int = 1
    groups: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, compare=False, hash=False)
    stunted_children: Optional[float] = None

    def as_data(self) -> dict:
        """The plain-data view impact_model.evaluate reads (groups and proposals)."""
        return {"groups": self.groups, "stunted_children": self.stunted_children,
                "proposals": [{"id": p.id, "target_group": p.target_group, "effect": p.effect,
                               "units_per_course": p.units_per_course,
                               "already_reached": p.already_reached,
                               "impact_per_unit": 0 if p.effect is not None and p.target_group in self.groups
                               else p.impact_per_unit}
                              for p in self.proposals]}

    def index(self) -> dict:
        """Map proposal id -> position."""
        return {p.id: k for k, p in enumerate(self.proposals)}


@dataclass(frozen=True)
class Allocation:
    """What one proposal gets. `impact` is exact; use float() for display."""

    id: str
    units: int
    cost: int
    impact: Fraction
    people: Optional[float] = None     # version 2: people reached (combined-effect proposals)
    cases: Optional[float] = None      # version 2: central cases attributed (impact_model)

    @property
    def funded(self) -> bool:
        return self.units > 0


@dataclass(frozen=True)
class Message:
    """A sentence as data: a `code` plus `params`; `text(lang)` renders it ("id" or "en")."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "id") -> str:
        return render(self.code, self.params, lang)

    def to_dict(self) -> dict:
        return {"code": self.code, "params": dict(self.params),
                "text": {"id": self.text("id"), "en": self.text("en")}}


@dataclass(frozen=True)
class Conflict:
    """One lock or rule taking part in an infeasibility.

    `group` is the machine key of the constraint group, e.g. ("budget",), ("lock", "p1"),
    ("category_min", "spesifik"), ("location_max", "Dusun Krajan"), ("package", "kia"),
    ("target_group", "ibu_hamil"), ("requires", "p1", "p2"), ("excludes", "p1", "p2").
    `message` describes it with its numbers.
    """

    group: Tuple[str, ...]
    message: Message

    @property
    def kind(self) -> str:
        return self.group[0]


@dataclass(frozen=True)
class Result:
    """Outcome of a solve.

    status: "optimal" (proven), "feasible" (a valid plan, optimality not proven: time limit),
    "infeasible" (no plan satisfies every lock and rule; see `conflicts`), "timeout" (time limit
    reached before any valid plan was found) or "error" (solver failure; see `message`).
    `allocations` has one entry per proposal in input order (all zero unless a plan was found).
    `conflicts`: when infeasible, a smallest set of locks and rules that cannot hold together.
    `fewest_to_drop`: when infeasible, a smallest set of locks/rules whose removal makes the plan
    feasible.
    `violations`: rules the allocation breaks (only ever non-empty for the spreadsheet method).
    `method`: "optimizer" or "spreadsheet".
    """

    status: str
    allocations: Tuple[Allocation, ...]
    total_cost: int = 0
    total_impact: Fraction = Fraction(0)
    conflicts: Tuple[Conflict, ...] = ()
    fewest_to_drop: Tuple[Conflict, ...] = ()
    conflicts_minimum: bool = True
    solver: str = ""
    solve_seconds: float = 0.0
    message: Optional[Message] = None
    method: str = "optimizer"
    violations: Tuple[Conflict, ...] = ()
    impact_range: Optional[Mapping[str, float]] = None   # version 2: {"low", "high"}
    gap: Optional[float] = None      # version 2: proven relative gap of the impact (0 = exact)

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")

    def units(self) -> Tuple[int, ...]:
        return tuple(a.units for a in self.allocations)


def exact(value) -> Fraction:
    """Exact rational value of a number; a float is read as its shortest decimal repr."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)
