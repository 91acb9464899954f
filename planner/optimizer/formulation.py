"""The MILP behind a plan, as plain solver-neutral data.

`build(plan)` returns a `Formulation`: columns (variables) and named rows (constraints) with
integer coefficients, each soft row tagged with the constraint *group* it belongs to (a lock, a
rule, a link, the budget). The solve, conflict, explanation and sensitivity code change bounds and
objectives on this one description and hand it to a backend (PuLP or HiGHS in process), so every
solver sees exactly the same model.

Variables, for proposal k (position in the plan):
    u_k  integer in [0, max_units]          units funded
    y_k  binary                              funded or not
plus one auxiliary column, fixed at 0 except in explanation re-solves:
    discount  continuous        a lump-sum cut in one proposal's cost (see explain.py;
                                a min-cut MILP first lets it go below 0, explain._min_cut)
and, when built with `relaxable=True`, one binary z_g per group (1 = the group is dropped).

Rows (all coefficients are integers, so an integer solution can be checked exactly; with
`build(budget_column=True)` the share rows also hold an exact Fraction, see `build`):
    link_lo_k:  u_k - low_k*y_k >= 0          low_k = max(1, min_units)       (hard)
    link_hi_k:  u_k - max_k*y_k <= 0                                           (hard)
    budget:     sum_k cost_k - discount <= budget                              ("budget",)
    cat_min_i:  sum_{k in c} cost_k >= ceil(share*budget)                 ("category_min", c)
    cat_max_i:  sum_{k in c} cost_k <= floor(share*budget)                ("category_max", c)
    loc_max_i:  sum_{k at L} cost_k <= floor(share*budget)                ("location_max", L)
    pkg_i:      sum_{k in p} y_k >= 1                                          ("package", p)
    tg_i:       sum_{k for t} y_k >= 1                                    ("target_group", t)
    lock_k:     y_k >= 1 (in) | y_k <= 0 (out) | u_k = n (two rows)            ("lock", id)
    req_k_j:    y_k - y_j <= 0                                        ("requires", id_k, id_j)
    excl_k_j:   y_k + y_j <= 1                                        ("excludes", id_k, id_j)
    impact_floor, cost_cap, discount_cap: free rows switched on by the lexicographic phases and
    by explanations.
where cost_k = fixed_k*y_k + unit_cost_k*u_k. Impacts are scaled to integers (see
`impact_scale`), so total impacts compare exactly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Dict, List, Optional, Tuple

from .model import LOCK_IN, LOCK_OUT, Plan, exact

INF = math.inf

#: Largest integer impact per unit handed to a solver. MILP solvers judge rows with tolerances
#: relative to their coefficients, so a row whose coefficients reach 1e9 or more can no longer
#: tell impacts 1 apart: measured on the demo villages' plans, whose catalogue impacts are long
#: floats (0.004331210191082803) and scaled exactly to ~1e11 per unit, CBC and HiGHS disagreed
#: on cost drops and tie-breaks at 1e9 and agreed at 1e8. 1e7 keeps a factor of ten in hand and
#: still reads every impact to 1 part in 10 million of the largest one.
_MAX_IMPACT_COEF = 10 ** 7
#: Largest total scaled impact (doubles hold integers exactly to 2**53).
_MAX_SCALED_IMPACT = 10 ** 13


@dataclass
class Formulation:
    """A mutable MILP description. Column/row lists are parallel arrays; see module docstring."""

    plan: Plan
    col_name: List[str] = field(default_factory=list)
    col_lb: List[float] = field(default_factory=list)
    col_ub: List[float] = field(default_factory=list)
    col_int: List[bool] = field(default_factory=list)
    row_name: List[str] = field(default_factory=list)
    row_coefs: List[Dict[int, int]] = field(default_factory=list)
    row_lb: List[float] = field(default_factory=list)
    row_ub: List[float] = field(default_factory=list)
    row_group: List[Optional[tuple]] = field(default_factory=list)
    groups: Dict[tuple, List[int]] = field(default_factory=dict)   # group -> rows, in order
    z_col: Dict[tuple, int] = field(default_factory=dict)          # group -> its drop column
    rows_by_name: Dict[str, int] = field(default_factory=dict)
    impact_int: List[int] = field(default_factory=list)   # scaled integer impact per unit
    impact_scale: Fraction = Fraction(1)                   # true impact = scaled / impact_scale
    impact_approx: bool = False                            # True if impacts had to be rounded
    budget_rows: Dict[int, tuple] = field(default_factory=dict)  # row -> how its bound follows B
    budget_col: Optional[int] = None     # the budget as a column (build(budget_column=True))
    links: List[Tuple[int, int]] = field(default_factory=list)    # (link_lo, link_hi) row per k
    course_col: Dict[int, int] = field(default_factory=dict)      # k -> c_k (whole courses, v2)
    cap: List[int] = field(default_factory=list)    # most units per proposal (v2: group room)
    n: int = 0
    _exact_impacts: Optional[tuple] = field(default=None, repr=False, compare=False)

    # column positions
    def u(self, k: int) -> int:
        return k

    def y(self, k: int) -> int:
        return self.n + k

    @property
    def discount(self) -> int:
        return 2 * self.n

    def row(self, name: str) -> int:
        return self.rows_by_name[name]

    # building helpers
    def add_col(self, name, lb, ub, integer) -> int:
        self.col_name.append(name)
        self.col_lb.append(lb)
        self.col_ub.append(ub)
        self.col_int.append(integer)
        return len(self.col_name) - 1

    def add_row(self, name, coefs, lb=-INF, ub=INF, group=None) -> int:
        index = len(self.row_name)
        self.row_name.append(name)
        self.row_coefs.append({c: v for c, v in coefs.items() if v != 0})
        self.row_lb.append(lb)
        self.row_ub.append(ub)
        self.row_group.append(group)
        self.rows_by_name[name] = index
        if group is not None:
            self.groups.setdefault(group, []).append(index)
        return index

    def cost_coefs(self, ks) -> Dict[int, int]:
        coefs: Dict[int, int] = {}
        for k in ks:
            p = self.plan.proposals[k]
            coefs[self.u(k)] = coefs.get(self.u(k), 0) + p.unit_cost
            coefs[self.y(k)] = coefs.get(self.y(k), 0) + p.fixed_cost
        return coefs

    # objectives
    def impact_objective(self) -> Dict[int, int]:
        return {self.u(k): v for k, v in enumerate(self.impact_int) if v}

    def cost_objective(self) -> Dict[int, int]:
        return self.cost_coefs(range(self.n))

    def tiebreak_objective(self) -> Dict[int, int]:
        """Maximised last: lean towards proposals earlier in the list (then more units)."""
        return {self.u(k): self.n - k for k in range(self.n)}

    # exact evaluation of an integer point
    def units_to_x(self, units) -> List[int]:
        x = [0] * len(self.col_name)
        for k, units_k in enumerate(units):
            x[self.u(k)] = units_k
            x[self.y(k)] = 1 if units_k > 0 else 0
        for k, col in self.course_col.items():
            x[col] = units[k] // self.plan.proposals[k].units_per_course
        return x

    def activity(self, row: int, x) -> int:
        return sum(coef * x[c] for c, coef in self.row_coefs[row].items())

    def violated_rows(self, x) -> List[int]:
        """Rows an integer point breaks (exact integer arithmetic)."""
        bad = []
        for i, coefs in enumerate(self.row_coefs):
            act = sum(coef * x[c] for c, coef in coefs.items())
            if act < self.row_lb[i] or act > self.row_ub[i]:
                bad.append(i)
        return bad

    def scaled_impact(self, units) -> int:
        return sum(v * units_k for v, units_k in zip(self.impact_int, units))

    def true_impact(self, units) -> Fraction:
        """Total impact at the given impacts (exact), not on the solver's grid."""
        if self._exact_impacts is None:   # the given impacts over one common denominator
            values = [exact(p.impact_per_unit) for p in self.plan.proposals]
            denominator = math.lcm(1, *(v.denominator for v in values))
            self._exact_impacts = ([int(v * denominator) for v in values], denominator)
        numerators, denominator = self._exact_impacts
        return Fraction(sum(a * u for a, u in zip(numerators, units)), denominator)

    def total_cost(self, units) -> int:
        return sum(p.cost(units_k) for p, units_k in zip(self.plan.proposals, units))

    def round_units(self, values) -> Tuple[int, ...]:
        """Integer units from solver values (integrality tolerance is tiny, so rounding is safe)."""
        out = []
        for k in range(self.n):
            units = int(round(values[self.u(k)]))
            funded = int(round(values[self.y(k)]))
            out.append(units if funded else 0)
        return tuple(out)

    def set_budget(self, budget: int) -> None:
        """Move every bound that depends on the budget (budget row and share rules)."""
        for row, (kind, share) in self.budget_rows.items():
            if kind == "budget":
                self.row_ub[row] = budget
            elif kind == "min":
                self.row_lb[row] = math.ceil(share * budget)
            else:
                self.row_ub[row] = math.floor(share * budget)


def _scale_impacts(plan: Plan):
    """Integer impacts with one common scale, reduced by their gcd; exact when they fit.

    Impacts given with more digits than a solver can compare (see _MAX_IMPACT_COEF) are rounded
    onto a grid of 1/_MAX_IMPACT_COEF of the largest impact per unit; the optimum is then exact
    for the rounded impacts and `impact_approx` says so. Reported impacts always use the given
    values."""
    values = [exact(p.impact_per_unit) for p in plan.proposals]
    denominator = 1
    for v in values:
        denominator = denominator * v.denominator // math.gcd(denominator, v.denominator)
    ints = [int(v * denominator) for v in values]
    divisor = 0
    for i in ints:
        divisor = math.gcd(divisor, i)
    divisor = divisor or 1
    ints = [i // divisor for i in ints]
    scale = Fraction(denominator, divisor)
    approx = False
    largest = max(ints, default=0)
    total = sum(i * p.max_units for i, p in zip(ints, plan.proposals))
    factor = None
    if largest > _MAX_IMPACT_COEF:
        factor = Fraction(_MAX_IMPACT_COEF, largest)
    if total * (factor or 1) > _MAX_SCALED_IMPACT:
        factor = Fraction(_MAX_SCALED_IMPACT, total)
    if factor is not None:
        # a positive impact stays positive, however small next to the largest
        ints = [max(1, int(round(i * factor))) if i > 0 else 0 for i in ints]
        scale = scale * factor
        approx = True
    return ints, scale, approx


def build(plan: Plan, relaxable: bool = False, budget_column: bool = False) -> Formulation:
    """Build the MILP for `plan` (assumed valid: see planfile.validate_plan).

    With `relaxable=True` every group gets a binary drop column z_g (fixed at 0 = enforced) whose
    coefficient in each of the group's rows is exactly large enough to switch the row off.
    With `budget_column=True` the budget is an integer column b (fixed at the plan's budget
    until a caller frees it) and every budget-dependent row reads it: `cost - discount - b <= 0`,
    `cost - share*b >= 0` (minimums), `cost - share*b <= 0` (caps), with `share` an exact
    Fraction; for whole b and whole costs these are exactly the rows above (the ceil and floor
    come for free). budget_rise.py moves b to ask "at what budget...". `budget_rows` is then
    empty: `set_budget` does not apply.
    """
    fm = Formulation(plan=plan)
    n = fm.n = len(plan.proposals)
    props = plan.proposals
    rules = plan.rules
    budget = plan.budget
    fm.impact_int, fm.impact_scale, fm.impact_approx = _scale_impacts(plan)
    fm.cap = [unit_cap(plan, p) for p in props]
    for k, p in enumerate(props):
        fm.add_col(f"u_{k}", 0, fm.cap[k], True)
    for k in range(n):
        fm.add_col(f"y_{k}", 0, 1, True)
    fm.add_col("discount", 0, 0, False)
    b = fm.budget_col = fm.add_col("budget", budget, budget, True) if budget_column else None
    for k, p in enumerate(props):   # version 2: whole courses, u_k = units_per_course * c_k
        if p.whole_courses and p.units_per_course > 1:
            fm.course_col[k] = fm.add_col(f"c_{k}", 0, fm.cap[k] // p.units_per_course, True)

    def money_row(name, coefs, share, group, kind="max"):
        """A row `cost >= share*budget` (kind "min") or `<=` ("max"): with the bound worked
        out (ceil for minimums, floor for caps), or reading the budget column."""
        if b is None:
            bound = math.ceil(share * budget) if kind == "min" else math.floor(share * budget)
        else:
            coefs, bound = {**coefs, b: -share}, 0
        row = fm.add_row(name, coefs, group=group,
                         **({"lb": bound} if kind == "min" else {"ub": bound}))
        if b is None:
            fm.budget_rows[row] = (kind, share)
        return row

    for k, p in enumerate(props):
        fm.links.append((fm.add_row(f"link_lo_{k}", {fm.u(k): 1, fm.y(k): -p.low_units}, lb=0),
                         fm.add_row(f"link_hi_{k}", {fm.u(k): 1, fm.y(k): -fm.cap[k]}, ub=0)))
    for k, col in fm.course_col.items():
        fm.add_row(f"course_{k}", {fm.u(k): 1, col: -props[k].units_per_course}, lb=0, ub=0)

    everyone = range(n)
    coefs = fm.cost_coefs(everyone)
    coefs[fm.discount] = -1
    if b is None:
        row = fm.add_row("budget", coefs, ub=budget, group=("budget",))
        fm.budget_rows[row] = ("budget", None)
    else:
        coefs[b] = -1
        fm.add_row("budget", coefs, ub=0, group=("budget",))

    categories = sorted({p.category for p in props} | set(rules.category_min_share)
                        | set(rules.category_max_share))
    for i, cat in enumerate(categories):
        members = [k for k, p in enumerate(props) if p.category == cat]
        if cat in rules.category_min_share:
            share = exact(rules.category_min_share[cat])
            if share > 0:
                money_row(f"cat_min_{i}", fm.cost_coefs(members), share,
                          group=("category_min", cat), kind="min")
        if cat in rules.category_max_share:
            share = exact(rules.category_max_share[cat])
            money_row(f"cat_max_{i}", fm.cost_coefs(members), share,
                      group=("category_max", cat))

    if rules.location_max_share is not None:
        share = exact(rules.location_max_share)
        locations = sorted({p.location for p in props if p.location})
        for i, loc in enumerate(locations):
            members = [k for k, p in enumerate(props) if p.location == loc]
            money_row(f"loc_max_{i}", fm.cost_coefs(members), share,
                      group=("location_max", loc))

    for i, pkg in enumerate(rules.packages_required):
        fm.add_row(f"pkg_{i}", {fm.y(k): 1 for k, p in enumerate(props) if p.package == pkg},
                   lb=1, group=("package", pkg))
    for i, tg in enumerate(rules.target_groups_required):
        fm.add_row(f"tg_{i}",
                   {fm.y(k): 1 for k, p in enumerate(props) if p.target_group == tg},
                   lb=1, group=("target_group", tg))

    for k, p in enumerate(props):
        group = ("lock", p.id)
        if p.lock == LOCK_IN:
            fm.add_row(f"lock_{k}", {fm.y(k): 1}, lb=1, group=group)
        elif p.lock == LOCK_OUT or p.lock == 0:
            fm.add_row(f"lock_{k}", {fm.y(k): 1}, ub=0, group=group)
        elif isinstance(p.lock, int):
            fm.add_row(f"lock_{k}_lo", {fm.u(k): 1}, lb=p.lock, group=group)
            fm.add_row(f"lock_{k}_hi", {fm.u(k): 1}, ub=p.lock, group=group)

    index = plan.index()
    for k, p in enumerate(props):
        for other in p.requires:
            j = index[other]
            fm.add_row(f"req_{k}_{j}", {fm.y(k): 1, fm.y(j): -1}, ub=0,
                       group=("requires", p.id, other))
    seen = set()
    for k, p in enumerate(props):
        for other in p.excludes:
            j = index[other]
            pair = (min(k, j), max(k, j))
            if pair in seen:
                continue
            seen.add(pair)
            a, b = props[pair[0]].id, props[pair[1]].id
            fm.add_row(f"excl_{pair[0]}_{pair[1]}", {fm.y(pair[0]): 1, fm.y(pair[1]): 1}, ub=1,
                       group=("excludes", a, b))

    # Free rows the lexicographic phases and explanations switch on by setting bounds.
    fm.add_row("impact_floor", fm.impact_objective())
    cost = fm.cost_objective()
    cost[fm.discount] = -1
    fm.add_row("cost_cap", cost)
    fm.add_row("discount_cap", {fm.discount: 1})

    if relaxable:
        _add_drop_columns(fm)
    return fm


def unit_cap(plan: Plan, p) -> int:
    """Most units proposal p can take: max_units, and (version 2, combined effect) no more than
    buy a course for every person of its group not already reached."""
    cap = p.max_units
    group = plan.groups.get(p.target_group) if p.effect is not None else None
    if group is not None:
        room = max(0.0, float(group["population"]) - float(p.already_reached or 0))
        cap = min(cap, math.floor(room * p.units_per_course + 1e-9))
    return cap


def _activity_range(fm: Formulation, row: int):
    low = high = 0
    for c, coef in fm.row_coefs[row].items():
        a, b = coef * fm.col_lb[c], coef * fm.col_ub[c]
        low += min(a, b)
        high += max(a, b)
    return low, high


def _add_drop_columns(fm: Formulation) -> None:
    for group, rows in list(fm.groups.items()):
        z = fm.add_col("z_" + fm.row_name[rows[0]], 0, 0, True)
        fm.z_col[group] = z
        for row in rows:
            low, high = _activity_range(fm, row)
            if fm.row_ub[row] < INF:
                big = max(0, high - fm.row_ub[row])
                if big:
                    fm.row_coefs[row][z] = -big
            if fm.row_lb[row] > -INF:
                big = max(0, fm.row_lb[row] - low)
                if big:
                    fm.row_coefs[row][z] = big
