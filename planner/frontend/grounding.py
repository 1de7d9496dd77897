"""Grounding by relaxed reachability: parse -> normalize -> Datalog -> GroundTask.

Only facts and operators reachable from the initial state (ignoring deletes
and negative preconditions) are instantiated. Static predicates are compiled
away: they are evaluated during the joins and never become facts. Numbering is
deterministic: objects, predicates and schemas are sorted by name and each
schema's operators by their arguments, so the same files give the same task
under any PYTHONHASHSEED.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from planner.frontend import datalog
from planner.frontend import invariants
from planner.frontend import relevance
from planner.frontend.negated_axioms import add_negated_axioms
from planner.frontend.datalog import Arg, BodyAtom, Constraint, Relation, Rule
from planner.errors import PDDLInputError, PlannerError
from planner.exitcodes import ExitCode
from planner.frontend.inputs import parse_files
from planner.frontend.normalize import EQUALITY, Literal, NormalTask, Param, Schema, normalize
from planner.frontend.parsing import ParsedTask
from planner.task import CSR, Axioms, ConditionalEffects, GroundTask, LiftedView, OperatorNames


class UnsolvableTaskError(PlannerError):
    """Grounding proved the goal unreachable (FD: exit code 10)."""

    exit_code = ExitCode.TRANSLATE_UNSOLVABLE


@dataclass
class _Vars:
    """A rule's variables: names -> indices, and a type mask per variable."""

    index: dict[str, int]
    masks: list[np.ndarray]


class Grounder:
    def __init__(self, task: NormalTask, deadline: float | None = None) -> None:
        self.task = task
        self.deadline = deadline
        self.objects = sorted(task.objects)
        self.obj_id = {o: i for i, o in enumerate(self.objects)}
        self.n = len(self.objects)
        self._type_masks = self._build_type_masks()
        self.relations: dict[str, Relation] = {}
        for pred in sorted(task.predicates):
            self.relations[pred] = Relation(pred, task.predicates[pred], self.n)
        self._load_init()
        self.static = {p for p in task.predicates
                       if p not in task.fluent_predicates and p not in task.derived_predicates}

    # -- types and objects ---------------------------------------------------
    def _build_type_masks(self) -> dict[str, np.ndarray]:
        parents = self.task.type_parents
        masks: dict[str, np.ndarray] = {"object": np.ones(self.n, dtype=bool)}
        for t in parents:
            masks.setdefault(t, np.zeros(self.n, dtype=bool))
        for obj, types in self.task.objects.items():
            for t in types:
                seen = set()
                while t is not None and t not in seen:
                    seen.add(t)
                    masks.setdefault(t, np.zeros(self.n, dtype=bool))[self.obj_id[obj]] = True
                    t = parents.get(t)
        return masks

    def type_mask(self, types: tuple[str, ...]) -> np.ndarray:
        mask = np.zeros(self.n, dtype=bool)
        for t in types:
            mask |= self._type_masks.get(t, np.zeros(self.n, dtype=bool))
        return mask

    def _load_init(self) -> None:
        """Each predicate's initial rows, in the order of sorted(init) as before,
        but sorted as id rows: ids follow the sorted object names, so a lexsort
        of the rows is that order without comparing string tuples (sorting the
        720 k atoms of miconic ipc-hard as tuples was 24% of its grounding)."""
        by_pred: dict[str, list[list[int]]] = {}
        obj_id = self.obj_id
        for atom in self.task.init:
            by_pred.setdefault(atom[0], []).append([obj_id[a] for a in atom[1:]])
        for pred in sorted(by_pred):
            rows = by_pred[pred]
            rel = self.relations[pred]
            table = np.array(rows, dtype=np.int32).reshape(len(rows), rel.arity)
            if rel.arity:
                table = table[np.lexsort(table.T[::-1])]  # column 0 is the primary key
            rel.add(table)

    # -- rules ---------------------------------------------------------------
    def _vars(self, params: tuple[Param, ...]) -> _Vars:
        return _Vars({p.name: i for i, p in enumerate(params)},
                     [self.type_mask(p.types) for p in params])

    def _arg(self, term: str, vars_: _Vars) -> Arg:
        if term.startswith("?"):
            return ("v", vars_.index[term])
        if term not in self.obj_id:
            raise PDDLInputError(f"undefined object or constant '{term}'")
        return ("c", self.obj_id[term])

    def _body(self, literals, vars_: _Vars):
        """Positive atoms as joins; equality and static negative literals as constraints.
        Negative fluent literals are ignored (delete relaxation)."""
        atoms, constraints = [], []
        for lit in literals:
            args = tuple(self._arg(a, vars_) for a in lit.args)
            if lit.predicate == EQUALITY:
                constraints.append(Constraint("eq" if lit.positive else "neq", args))
            elif lit.positive:
                atoms.append(BodyAtom(self.relations[lit.predicate], args))
            elif lit.predicate in self.static:
                constraints.append(Constraint("not_in", args, self.relations[lit.predicate]))
        return atoms, constraints

    def build_rules(self) -> tuple[list[Rule], list[Relation]]:
        rules: list[Rule] = []
        self.action_rel: list[Relation] = []
        for k, schema in enumerate(self.task.schemas):
            vars_ = self._vars(schema.params)
            atoms, cons = self._body(schema.precondition, vars_)
            act = Relation(f"{schema.name}#{k}", len(schema.params), self.n, dedupe=False)
            self.action_rel.append(act)
            head = tuple(("v", i) for i in range(len(schema.params)))
            rules.append(Rule(act, head, atoms, vars_.masks, cons))
            for eff in schema.effects:
                if eff.atom.positive:
                    rules.append(self._effect_rule(schema, act, eff))
        # Axioms are relaxed operators of cost zero, as in Fast Downward: an
        # instance is reachable when its positive body is; negated derived
        # atoms count as reachable (their negation is ignored, like every
        # negative fluent literal).
        self.axiom_rel: list[Relation] = []
        for k, axiom in enumerate(self.task.axioms):
            vars_ = self._vars(axiom.params)
            atoms, cons = self._body(axiom.body, vars_)
            inst = Relation(f"{axiom.predicate}#axiom{k}", len(axiom.params), self.n,
                            dedupe=False)
            self.axiom_rel.append(inst)
            rules.append(Rule(inst, tuple(("v", i) for i in range(len(axiom.params))), atoms,
                              vars_.masks, cons))
            inst_atom = BodyAtom(inst, tuple(("v", i) for i in range(len(axiom.params))))
            rules.append(Rule(self.relations[axiom.predicate],
                              tuple(("v", i) for i in range(axiom.num_head)), [inst_atom],
                              vars_.masks, []))
        return rules, list(self.relations.values()) + self.action_rel + self.axiom_rel

    def _effect_rule(self, schema: Schema, act: Relation, eff) -> Rule:
        vars_ = self._vars(schema.params + eff.variables)
        act_atom = BodyAtom(act, tuple(("v", i) for i in range(len(schema.params))))
        atoms, cons = self._body(eff.condition, vars_)
        head = tuple(self._arg(a, vars_) for a in eff.atom.args)
        return Rule(self.relations[eff.atom.predicate], head, [act_atom] + atoms,
                    vars_.masks, cons)

    # -- the whole pipeline ----------------------------------------------------
    def ground(self) -> GroundTask:
        rules, relations = self.build_rules()
        datalog.fixpoint(rules, relations, self.n, self.deadline)
        self._number_facts()
        builder = _OperatorBuilder(self)
        for k, schema in enumerate(self.task.schemas):
            builder.add_schema(schema, self.action_rel[k])
            self._check_deadline()
        goal_pos, goal_neg = self._goal()
        task = builder.finish(self._lifted(), self._init_ids(), goal_pos, goal_neg)
        if self.task.axioms:
            axioms = self._ground_axioms()
            task = replace(task, axioms=axioms, init=np.array(
                sorted(axioms.evaluate(frozenset(task.init.tolist()))), dtype=np.int32))
        return task

    def _ground_axioms(self) -> Axioms:
        """Each reachable axiom instance as (head, positive body, negative body)
        over fact ids; static literals are already true in every instance (the
        join checked them) and unreachable negated facts are always false.

        Vectorised: every schema's instances become rows of one padded int64
        matrix (stratum, head, sorted body ids, -1 padding), deduplicated and
        ordered by one np.unique. The former loop over instances (a Python
        set per row) took 3.8 s of 9.7 s on a generated 300x300 openstacks
        task (24k ground axioms); this takes 0.1 s."""
        blocks = []
        for k, axiom in enumerate(self.task.axioms):
            rows = self.axiom_rel[k].version("all")
            if len(rows) == 0:
                continue
            rows = rows[np.lexsort(rows.T[::-1])] if rows.shape[1] else rows[:1]
            vars_index = {p.name: i for i, p in enumerate(axiom.params)}
            head = self.fact_ids(axiom.predicate, self.rows_of(axiom.head, vars_index, rows))
            pos_cols, neg_cols = [], []
            for lit in axiom.body:
                if lit.predicate == EQUALITY or lit.predicate in self.static:
                    continue
                ids = self.fact_ids(lit.predicate, self.rows_of(lit, vars_index, rows))
                (pos_cols if lit.positive else neg_cols).append(ids)
            n = len(rows)
            pos = np.stack(pos_cols, axis=1) if pos_cols else np.empty((n, 0), np.int64)
            neg = np.stack(neg_cols, axis=1) if neg_cols else np.empty((n, 0), np.int64)
            blocks.append((axiom.stratum, head.astype(np.int64), pos.astype(np.int64),
                           neg.astype(np.int64)))
            self._check_deadline()
        width_pos = max((b[2].shape[1] for b in blocks), default=0)
        width_neg = max((b[3].shape[1] for b in blocks), default=0)
        parts = []
        for stratum, head, pos, neg in blocks:
            # a positive body fact that is unreachable never holds (cannot
            # happen for reachable instances; kept exact all the same)
            fires = ~(pos < 0).any(axis=1)
            pos, neg = _canonical_rows(pos, width_pos), _canonical_rows(neg, width_neg)
            if pos.shape[1] and neg.shape[1]:
                clash = ((pos[:, :, None] == neg[:, None, :]) & (pos[:, :, None] >= 0)).any(axis=(1, 2))
                fires &= ~clash  # needs a fact and its negation: never fires
            fires &= ~(pos == head[:, None]).any(axis=1)  # derives what it already needs
            parts.append(np.concatenate(
                [np.full((len(head), 1), stratum, np.int64), head[:, None], pos, neg], axis=1)[fires])
        table = (np.unique(np.concatenate(parts), axis=0) if parts
                 else np.empty((0, 2 + width_pos + width_neg), np.int64))
        table = _undominated(table, width_pos)
        derived = sorted({self.fact_offset[p] + i for p in self.task.derived_predicates
                          if p in self.fact_offset
                          for i in range(len(self.relations[p].sorted_rows()))})
        return Axioms(
            head=table[:, 1].astype(np.int32),
            body_pos=_padded_csr(table[:, 2:2 + width_pos]),
            body_neg=_padded_csr(table[:, 2 + width_pos:]),
            stratum=table[:, 0].astype(np.int32),
            derived=np.array(derived, dtype=np.int32),
            origin=self.axiom_origin)

    def _init_ids(self) -> np.ndarray:
        """Fact ids of the initial atoms, one lookup per predicate (one per
        atom took 1.4 s on an 80x80 reach grid with 26k initial atoms)."""
        by_pred: dict[str, list[list[int]]] = {}
        for a in self.task.init:
            if a[0] in self.fact_offset:
                by_pred.setdefault(a[0], []).append([self.obj_id[o] for o in a[1:]])
        ids = [self.fact_ids(p, np.array(rows, dtype=np.int32).reshape(len(rows), -1))
               for p, rows in by_pred.items()]
        return np.unique(_concat(ids, np.int32))

    def _check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise datalog.GroundingLimitError("grounding ran out of time",
                                              exit_code=ExitCode.TRANSLATE_OUT_OF_TIME)

    axiom_origin: tuple[str | None, int | None, int | None] = (None, None, None)

    def _number_facts(self) -> None:
        """Facts: fluent and derived predicates by name, each block in key order."""
        self.fluents = sorted(p for p in set(self.task.fluent_predicates)
                              | set(self.task.derived_predicates) if p in self.relations)
        self.fact_offset: dict[str, int] = {}
        facts = []
        names = np.array(self.objects, dtype=object)
        for p in self.fluents:
            self.fact_offset[p] = len(facts)
            rows = self.relations[p].sorted_rows()
            facts.extend((p,) + tuple(r) for r in names[rows].tolist()) if rows.shape[1] \
                else facts.extend([(p,)] * len(rows))
        self.facts = tuple(facts)

    def fact_ids(self, pred: str, rows: np.ndarray) -> np.ndarray:
        """Fact id of each row of `pred` (-1 where unreachable)."""
        pos = self.relations[pred].index_of(rows)
        return np.where(pos >= 0, pos + self.fact_offset[pred], -1)

    def rows_of(self, lit: Literal, vars_index: dict[str, int], table: np.ndarray) -> np.ndarray:
        cols = []
        for a in lit.args:
            if a.startswith("?"):
                cols.append(table[:, vars_index[a]])
            else:
                cols.append(np.full(len(table), self.obj_id[a], dtype=np.int32))
        return np.stack(cols, axis=1) if cols else np.empty((len(table), 0), dtype=np.int32)

    def _goal(self) -> tuple[np.ndarray, np.ndarray]:
        pos, neg = [], []
        for lit in self.task.goal:
            row = np.array([[self.obj_id[a] for a in lit.args]], dtype=np.int32).reshape(1, -1)
            if lit.predicate == EQUALITY:
                holds = lit.args[0] == lit.args[1]
                if holds != lit.positive:
                    raise UnsolvableTaskError(f"goal literal {_lit_str(lit)} is false")
                continue
            if lit.predicate in self.static:
                holds = bool(self.relations[lit.predicate].contains(row)[0])
                if holds != lit.positive:
                    raise UnsolvableTaskError(f"static goal literal {_lit_str(lit)} is false")
                continue
            fid = int(self.fact_ids(lit.predicate, row)[0])
            if lit.positive:
                if fid < 0:
                    raise UnsolvableTaskError(f"goal atom {_lit_str(lit)} is unreachable")
                pos.append(fid)
            elif fid >= 0:
                neg.append(fid)
        return (np.unique(np.array(pos, dtype=np.int32)), np.unique(np.array(neg, dtype=np.int32)))

    def _lifted(self) -> LiftedView:
        t = self.task
        static_atoms = frozenset(a for a in t.init if a[0] in self.static)
        goal_pos = tuple((l.predicate,) + l.args for l in t.goal if l.positive)
        goal_neg = tuple((l.predicate,) + l.args for l in t.goal if not l.positive)
        object_types = {}
        for obj in self.objects:
            types = set()
            for ty in t.objects[obj]:
                while ty is not None and ty not in types:
                    types.add(ty)
                    ty = t.type_parents.get(ty)
            types.add("object")
            object_types[obj] = tuple(sorted(types))
        return LiftedView(
            domain_name=t.domain_name, problem_name=t.problem_name, objects=tuple(self.objects),
            object_types=object_types, type_parents=dict(t.type_parents),
            predicates=dict(t.predicates), static_predicates=frozenset(self.static),
            static_atoms=static_atoms, init_atoms=frozenset(t.init), goal_pos=goal_pos,
            goal_neg=goal_neg, functions=dict(t.functions))


DOMINANCE_GROUP_LIMIT = 256
"""Rules per head compared pairwise for dominance; larger groups only drop
rules dominated by an empty-bodied one (keeps the check near-linear)."""


def _canonical_rows(m: np.ndarray, width: int) -> np.ndarray:
    """Each row's distinct non-negative values, ascending, padded with -1 to
    `width` columns: equal sets give equal rows, and row order is the order
    of the sorted tuples (the padding sorts below every id)."""
    big = np.iinfo(np.int64).max
    m = np.sort(np.where(m < 0, big, m), axis=1)
    if m.shape[1] > 1:
        dup = np.zeros(m.shape, dtype=bool)
        dup[:, 1:] = m[:, 1:] == m[:, :-1]
        m = np.sort(np.where(dup, big, m), axis=1)
    m = np.where(m == big, -1, m)
    return np.pad(m, ((0, 0), (0, width - m.shape[1])), constant_values=-1)


def _padded_csr(m: np.ndarray) -> CSR:
    """CSR of rows whose values come first and -1 padding after."""
    valid = m >= 0
    ptr = np.zeros(len(m) + 1, dtype=np.int32)
    np.cumsum(valid.sum(axis=1), out=ptr[1:])
    return CSR(ptr, m[valid].astype(np.int32))


def _undominated(table: np.ndarray, width_pos: int) -> np.ndarray:
    """Drop a ground axiom when another with the same head and stratum needs a
    subset of its body: it never derives anything new. Fast Downward's
    translator simplifies the same way, and relevance then drops the facts
    only the dropped rule read (reachable(x) :- at(x) static makes the
    rule through an edge into x, and that edge's state, irrelevant).

    `table` rows are (stratum, head, padded positive body, padded negative
    body), distinct and sorted, so each (stratum, head) group is one run.
    Distinct rules of one body size never dominate each other, so only
    groups mixing sizes are compared pairwise (in Python); on the generated
    openstacks and reach tasks that is none of them."""
    if len(table) == 0:
        return table
    sizes = (table[:, 2:] >= 0).sum(axis=1)
    new_group = np.ones(len(table), dtype=bool)
    new_group[1:] = (table[1:, :2] != table[:-1, :2]).any(axis=1)
    starts = np.flatnonzero(new_group)
    ends = np.append(starts[1:], len(table))
    smallest = np.minimum.reduceat(sizes, starts)
    largest = np.maximum.reduceat(sizes, starts)
    keep = np.ones(len(table), dtype=bool)
    for g in np.flatnonzero(smallest < largest):
        lo, hi = int(starts[g]), int(ends[g])
        if smallest[g] == 0:
            # an empty-bodied rule (unique after deduplication) dominates all
            keep[lo:hi] = sizes[lo:hi] == 0
            continue
        if hi - lo > DOMINANCE_GROUP_LIMIT:
            continue
        chosen: list[tuple[set, set]] = []
        for i in sorted(range(lo, hi), key=lambda i: (sizes[i], i)):
            row = table[i]
            pos = {int(x) for x in row[2:2 + width_pos] if x >= 0}
            neg = {int(x) for x in row[2 + width_pos:] if x >= 0}
            if any(p <= pos and n <= neg for p, n in chosen):
                keep[i] = False
            else:
                chosen.append((pos, neg))
    return table[keep]


def _lit_str(lit: Literal) -> str:
    atom = "(" + " ".join((lit.predicate,) + lit.args) + ")"
    return atom if lit.positive else f"(not {atom})"


KINDS = ("pre_pos", "pre_neg", "add", "del")
CHUNK_OPS = 1 << 17
"""Operators are turned into CSR rows this many at a time: the (operator, fact)
pair keys of a chunk are sorted and compared only with each other, so the
grounder never holds int64 pair arrays for the whole task (6M operators of a
hard childsnack task needed over 2 GB that way)."""


class _OperatorBuilder:
    """Turns each schema's reachable bindings into operators, chunk by chunk.

    An operator is dropped when it changes nothing (every add is also a
    precondition and it deletes nothing) or its pre_pos and pre_neg overlap;
    both depend on the operator alone, so chunks are finished independently.
    """

    def __init__(self, g: Grounder) -> None:
        self.g = g
        self.width = max(len(g.facts), 1)  # pair key = local operator * width + fact
        self.name_blocks: list[tuple[str, np.ndarray]] = []
        self.keep: list[np.ndarray] = []  # per chunk: global ids of the kept operators
        self.costs: list[np.ndarray] = []
        self.lengths: dict[str, list[np.ndarray]] = {k: [] for k in KINDS}  # CSR pieces
        self.facts: dict[str, list[np.ndarray]] = {k: [] for k in KINDS}
        self.cond: list[tuple[np.ndarray, list, list, list, list]] = []
        self.count = 0

    def add_schema(self, schema: Schema, act: Relation) -> None:
        g = self.g
        rows = act.version("all")
        if len(rows) == 0:
            return
        rows = rows[np.lexsort(rows.T[::-1])] if rows.shape[1] else rows[:1]
        vars_index = {p.name: i for i, p in enumerate(schema.params)}
        plain = [e for e in schema.effects if not e.variables and not e.condition]
        sparse_pairs, cond_ops = self._quantified_effects(schema, rows)
        costs = self._costs(schema, rows)
        for lo in range(0, len(rows), CHUNK_OPS):
            hi = min(lo + CHUNK_OPS, len(rows))
            keys = self._chunk_keys(schema, plain, vars_index, rows[lo:hi])
            for kind, (s_ops, s_facts) in sparse_pairs.items():
                a, b = np.searchsorted(s_ops, [lo, hi])
                keys[kind].append((s_ops[a:b] - lo) * self.width + s_facts[a:b])
            changes = cond_ops[(cond_ops >= lo) & (cond_ops < hi)] - lo
            self._finish_chunk(keys, hi - lo, changes, costs[lo:hi], self.count + lo)
            g._check_deadline()
        self.name_blocks.append((schema.name, rows[:, : schema.num_original_params]))
        self.count += len(rows)

    def _quantified_effects(self, schema: Schema, rows: np.ndarray):
        """The schema's quantified and conditional effects, instantiated over all
        its operators at once: (kind -> unconditional (local operator, fact)
        pairs sorted by operator, local operators owning conditional effects)."""
        sparse: dict[str, tuple[list, list]] = {k: ([], []) for k in KINDS}
        n_cond = len(self.cond)
        ops = np.arange(len(rows), dtype=np.int64)
        for eff in schema.effects:
            if eff.variables or eff.condition:
                self._quantified_effect(schema, eff, rows, ops, sparse)
        cond_ops = _concat([c[0] for c in self.cond[n_cond:]], np.int64) - self.count
        return {k: _by_operator(*v) for k, v in sparse.items()}, cond_ops

    def _chunk_keys(self, schema: Schema, plain: list, vars_index: dict[str, int],
                    rows: np.ndarray) -> dict[str, list[np.ndarray]]:
        """Pair keys (local operator * width + fact) of the chunk's literals."""
        g = self.g
        keys: dict[str, list[np.ndarray]] = {k: [] for k in KINDS}
        local = np.arange(len(rows), dtype=np.int64) * self.width
        lits = [("pre_pos" if l.positive else "pre_neg", l) for l in schema.precondition
                if l.predicate != EQUALITY and l.predicate not in g.static]
        lits += [("add" if e.atom.positive else "del", e.atom) for e in plain]
        for kind, lit in lits:
            ids = g.fact_ids(lit.predicate, g.rows_of(lit, vars_index, rows))
            keep = ids >= 0
            keys[kind].append(local[keep] + ids[keep])
        return keys

    def _finish_chunk(self, keys: dict[str, list[np.ndarray]], n: int, changes: np.ndarray,
                      costs: np.ndarray, base: int) -> None:
        """Deduplicate the chunk's pairs, drop useless operators, keep CSR pieces."""
        width = self.width
        sets = {k: _unique(np.concatenate(v + [np.empty(0, np.int64)])) for k, v in keys.items()}
        sets["del"] = sets["del"][~_in_sorted(sets["del"], sets["add"])]
        contradictory = sets["pre_pos"][_in_sorted(sets["pre_pos"], sets["pre_neg"])] // width
        real_adds = sets["add"][~_in_sorted(sets["add"], sets["pre_pos"])]
        useful = np.zeros(n, dtype=bool)
        useful[real_adds // width] = True
        useful[sets["del"] // width] = True
        useful[changes] = True  # operators with conditional effects change something
        useful[contradictory] = False
        keep = np.flatnonzero(useful)
        for kind, key in sets.items():
            ops = key // width
            kept = useful[ops]
            self.lengths[kind].append(np.bincount(ops[kept], minlength=n)[keep].astype(np.int32))
            self.facts[kind].append((key[kept] % width).astype(np.int32))
        self.keep.append(keep + base)
        self.costs.append(costs[keep])

    def _quantified_effect(self, schema: Schema, eff, rows: np.ndarray, ops: np.ndarray,
                           sparse: dict[str, tuple[list, list]]) -> None:
        """Instances of a quantified or conditional effect: unconditional ones go
        to `sparse` as (schema-local operator, fact); the others to self.cond."""
        g = self.g
        params = schema.params + eff.variables
        vars_ = g._vars(params)
        op_col = len(params)
        table_in = np.concatenate([rows, ops.astype(np.int32)[:, None]], axis=1)
        masks = vars_.masks + [np.ones(max(len(rows), 1), dtype=bool)]
        act_args = tuple(("v", i) for i in range(len(schema.params))) + (("v", op_col),)
        atoms, cons = g._body(eff.condition, vars_)
        body = [(table_in, act_args)] + [(a.relation.version("all"), a.args) for a in atoms]
        table = datalog.evaluate(body, masks, cons, max(g.n, len(rows) + 1))
        if len(table) == 0:
            return
        local_ops = table[:, op_col].astype(np.int64)
        atom_ids = g.fact_ids(eff.atom.predicate, g.rows_of(eff.atom, vars_.index, table))
        keep = atom_ids >= 0
        cond_pos, cond_neg = [], []
        for lit in eff.condition:
            if lit.predicate == EQUALITY or lit.predicate in g.static:
                continue
            ids = g.fact_ids(lit.predicate, g.rows_of(lit, vars_.index, table))
            (cond_pos if lit.positive else cond_neg).append(ids)
        kind = "add" if eff.atom.positive else "del"
        if not cond_pos and not cond_neg:
            sparse[kind][0].append(local_ops[keep])
            sparse[kind][1].append(atom_ids[keep])
            return
        pos = np.stack(cond_pos, axis=1) if cond_pos else np.empty((len(table), 0), np.int64)
        neg = np.stack(cond_neg, axis=1) if cond_neg else np.empty((len(table), 0), np.int64)
        self.cond.append((self.count + local_ops[keep], pos[keep], neg[keep], atom_ids[keep],
                          kind))

    def _costs(self, schema: Schema, rows: np.ndarray) -> np.ndarray:
        if isinstance(schema.cost, (int, float)):
            return np.full(len(rows), int(schema.cost), dtype=np.int64)
        fname, args = schema.cost
        vars_index = {p.name: i for i, p in enumerate(schema.params)}
        objs = self.g.objects
        values = self.g.task.functions
        out = np.empty(len(rows), dtype=np.int64)
        for i, r in enumerate(rows.tolist()):
            key = (fname,) + tuple(objs[r[vars_index[a]]] if a.startswith("?") else a
                                   for a in args)
            if key not in values:
                raise PDDLInputError(f"action cost ({' '.join(key)}) has no value in the "
                                     "initial state")
            out[i] = int(values[key])
        return out

    def finish(self, lifted: LiftedView, init, goal_pos, goal_neg) -> GroundTask:
        g = self.g
        n_ops = self.count
        keep = _concat(self.keep, np.int64)
        costs = _concat(self.costs, np.int64)
        self.keep, self.costs = [], []
        csr = {k: _join_rows(self.lengths.pop(k), self.facts.pop(k)) for k in KINDS}
        conditional = None
        if self.cond:
            remap = np.full(n_ops, -1, dtype=np.int64)
            remap[keep] = np.arange(len(keep))
            conditional = self._conditional_csr(remap, len(keep))
        names = OperatorNames(self.name_blocks, g.objects).select(keep)
        return GroundTask(
            facts=g.facts, operators=names, cost=costs,
            pre_pos=csr["pre_pos"], pre_neg=csr["pre_neg"], add=csr["add"], delete=csr["del"],
            init=init, goal_pos=goal_pos.astype(np.int32), goal_neg=goal_neg.astype(np.int32),
            lifted=lifted, conditional=conditional,
            uses_action_costs=g.task.uses_action_costs)

    def _conditional_csr(self, remap, n_ops) -> ConditionalEffects:
        entries = []  # (op, cond_pos, cond_neg, adds, dels)
        for ops, pos, neg, atoms, kind in self.cond:
            for i in range(len(ops)):
                op = int(remap[ops[i]])
                if op < 0:
                    continue
                p = sorted(set(int(x) for x in pos[i]))
                n = sorted(set(int(x) for x in neg[i] if x >= 0))
                if set(p) & set(n):
                    continue
                a = [int(atoms[i])] if kind == "add" else []
                d = [int(atoms[i])] if kind == "del" else []
                entries.append((op, tuple(p), tuple(n), a, d))
        entries.sort(key=lambda e: (e[0], e[1], e[2], e[3], e[4]))
        per_op = [[] for _ in range(n_ops)]
        for i, e in enumerate(entries):
            per_op[e[0]].append(i)
        return ConditionalEffects(
            ops=CSR.from_rows(per_op), cond_pos=CSR.from_rows([e[1] for e in entries]),
            cond_neg=CSR.from_rows([e[2] for e in entries]),
            add=CSR.from_rows([e[3] for e in entries]),
            delete=CSR.from_rows([e[4] for e in entries]))


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)


def _by_operator(ops: list[np.ndarray], facts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sorted by operator, so that a chunk's pairs are one slice."""
    ops_a, facts_a = _concat(ops, np.int64), _concat(facts, np.int64)
    order = np.argsort(ops_a, kind="stable")
    return ops_a[order], facts_a[order]


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values. Sort-based: numpy's hash-based unique was slower
    here; and stable, since a chunk's keys are a few already sorted runs (one
    per literal), which timsort merges in a fraction of a quicksort's time."""
    values = np.sort(values, kind="stable")
    if len(values) == 0:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _in_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Boolean mask: which values occur in the sorted array `sorted_set`."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    pos = np.searchsorted(sorted_set, values)
    pos[pos == len(sorted_set)] = 0
    return sorted_set[pos] == values


def _join_rows(counts: list[np.ndarray], facts: list[np.ndarray]) -> CSR:
    """One int32 CSR from consecutive pieces (row lengths, row contents)."""
    lengths = _concat(counts, np.int32)
    ptr = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.cumsum(lengths, out=ptr[1:])
    return CSR(ptr, _concat(facts, np.int32))


def ground(parsed: ParsedTask, time_limit: float | None = None,
           prune_irrelevant: bool = True) -> GroundTask:
    """Ground a parsed task; raises UnsolvableTaskError if the goal is unreachable.

    With prune_irrelevant (the default, as in Fast Downward and Pyperplan),
    operators and facts that cannot matter for the goal are dropped.
    """
    deadline = time.monotonic() + time_limit if time_limit else None
    try:
        normal = normalize(parsed)
        grounder = Grounder(normal, deadline)
        if normal.axioms:
            from planner.frontend.checks import derived_anchor

            src = parsed.domain_source
            first = min(derived_anchor(src, parsed.escapes.forward.get(p, p))
                        for p in normal.derived_predicates)
            grounder.axiom_origin = (src.path, *src.position(first))
        task = grounder.ground()
        task = _with_mutex_groups(normal, task, deadline)
        task = add_negated_axioms(task)
        if prune_irrelevant:
            task = relevance.prune_irrelevant(task)
    except MemoryError:
        raise datalog.GroundingLimitError(
            "grounding ran out of memory", exit_code=ExitCode.TRANSLATE_OUT_OF_MEMORY) from None
    return task


def _with_mutex_groups(normal: NormalTask, task: GroundTask,
                       deadline: float | None) -> GroundTask:
    """Prune operators with mutex preconditions (as FD does) and keep a disjoint
    cover of the groups for packing states. Synthesis that runs out of its time
    only finds fewer groups, never wrong ones."""
    budget = invariants.DEFAULT_TIME_LIMIT
    if deadline is not None:
        budget = max(0.0, min(budget, deadline - time.monotonic()))
    groups = invariants.find_mutex_groups(normal, task, time_limit=budget)
    if invariants.goal_is_mutex(task, groups):
        raise UnsolvableTaskError("the goal needs two mutually exclusive facts")
    pruned = invariants.prune_operators(task, groups)
    return replace(pruned, mutex_groups=invariants.choose_packing_groups(groups, task.num_facts))


def ground_files(domain_path: str | Path, problem_path: str | Path,
                 time_limit: float | None = None, prune_irrelevant: bool = True) -> GroundTask:
    return ground(parse_files(domain_path, problem_path), time_limit, prune_irrelevant)
