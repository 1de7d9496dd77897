"""Mutex groups from lifted invariant synthesis (after Helmert 2009, section 5).

Why: the grounder only knows relaxed reachability, so it keeps operators that
can never fire (blocksworld's stack(x,x) needs (holding x) and (clear x)) and
state packing has to spend one bit per fact. A mutex group, a set of facts of
which at most one is true in every reachable state, fixes both.

An invariant is a set of *parts*. A part names a fluent predicate and says,
for each argument position, which invariant parameter it holds, or that it is
the single *counted* position. For a binding v of the parameters, A(v) is the
set of atoms of all parts whose parameter positions spell v; the claim is that
|s ∩ A(v)| <= 1 in every reachable state s.

Candidates start as single predicates and are proved by induction over one
action application from a state that satisfies the candidate:

* no two add effects can fire together and add two different atoms of one
  A(v), unless the precondition then already holds two different atoms of one
  A(w) (the state would break the candidate, so it is not reachable), or the
  instance is contradictory (equalities, types, literals);
* every add effect either adds an atom the precondition says is true, or
  comes with a delete effect that is sure to fire and deletes an atom of the
  same A(v) the precondition says is true. That atom is the unique true one
  of A(v); it differs from the (false) added atom, so the pair rule above
  keeps any other add effect from re-adding it.

When an add effect is unbalanced, the candidate is refined with a part for
each delete effect of that action that could balance it (Helmert's
refinement). Every test is syntactic over a union-find of terms, so whatever
the analysis cannot decide is treated as a threat and the candidate is
dropped: conditional effects, negative preconditions and equality only ever
help to *refute* a threat. Instantiating on the ground task keeps only the
groups the initial state satisfies (the proof above is per binding v).
"""
from __future__ import annotations

import heapq
import itertools
import time
from dataclasses import dataclass, replace
from typing import Iterable, Iterator, Sequence

import numpy as np

from planner.frontend.normalize import EQUALITY, Effect, Literal, NormalTask, Schema
from planner.task import CSR, ConditionalEffects, GroundTask

COUNTED = -1
MAX_CANDIDATES = 20_000
DEFAULT_TIME_LIMIT = 10.0

CanonAtom = tuple[str, tuple[str, ...]]


# -- invariant candidates -----------------------------------------------------


@dataclass(frozen=True, order=True)
class Part:
    """One predicate of an invariant: args[i] is the invariant parameter at
    position i, or COUNTED for the (at most one) counted position."""

    predicate: str
    args: tuple[int, ...]

    @property
    def positions(self) -> tuple[int, ...]:
        """positions[j]: the argument position holding invariant parameter j."""
        order = sorted((p, i) for i, p in enumerate(self.args) if p != COUNTED)
        return tuple(i for _, i in order)

    def key(self, args: Sequence[str]) -> tuple[str, ...]:
        """The parameter binding v of the atom with these arguments."""
        return tuple(args[i] for i in self.positions)


@dataclass(frozen=True)
class Invariant:
    """A candidate or proven invariant; parts are sorted, one per predicate."""

    parts: tuple[Part, ...]

    @property
    def arity(self) -> int:
        return len(self.parts[0].positions)

    @property
    def predicates(self) -> dict[str, Part]:
        return {p.predicate: p for p in self.parts}

    def __str__(self) -> str:
        def show(part: Part) -> str:
            names = ["*" if a == COUNTED else f"v{a}" for a in part.args]
            return f"{part.predicate}({', '.join(names)})"

        return "{" + ", ".join(show(p) for p in self.parts) + "}"


def canonical(parts: Iterable[Part]) -> Invariant:
    """The same invariant under any renaming of its parameters compares equal,
    so candidates are keyed by the smallest renaming."""
    parts = tuple(parts)
    arity = len(parts[0].positions)
    if arity > 6:
        return Invariant(tuple(sorted(parts)))
    best = None
    for perm in itertools.permutations(range(arity)):
        renamed = tuple(sorted(
            Part(p.predicate, tuple(a if a == COUNTED else perm[a] for a in p.args))
            for p in parts))
        if best is None or renamed < best:
            best = renamed
    return Invariant(best)


def initial_candidates(task: NormalTask) -> list[Invariant]:
    """Each fluent predicate with no or one counted position."""
    out = []
    for pred in sorted(task.fluent_predicates):
        arity = task.predicates.get(pred)
        if arity is None:
            continue
        out.append(canonical([Part(pred, tuple(range(arity)))]))
        for counted in range(arity):
            args = list(range(arity - 1))
            args.insert(counted, COUNTED)
            out.append(canonical([Part(pred, tuple(args))]))
    return list(dict.fromkeys(out))


# -- terms: a union-find with type domains -------------------------------------


def _is_var(term: str) -> bool:
    return term.startswith("?")


class _Unifier:
    """Equivalence classes of terms; each class carries the set of objects its
    terms can denote, so unifying variables of disjoint types fails."""

    def __init__(self, domains: dict[str, frozenset[str]]) -> None:
        self.domains = domains
        self.parent: dict[str, str] = {}
        self.dom: dict[str, frozenset[str]] = {}

    def find(self, t: str) -> str:
        root = t
        while root in self.parent:
            root = self.parent[root]
        while t != root:
            nxt = self.parent[t]
            self.parent[t] = root
            t = nxt
        return root

    def domain(self, t: str) -> frozenset[str]:
        r = self.find(t)
        if r in self.dom:
            return self.dom[r]
        return self.domains.get(r, frozenset()) if _is_var(r) else frozenset((r,))

    def union(self, a: str, b: str) -> bool:
        """Merge two classes; False if they cannot denote the same object."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        dom = self.domain(ra) & self.domain(rb)
        if not dom:
            return False
        if _is_var(ra):  # a constant stays the representative
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.dom[ra] = dom
        return True

    def union_all(self, pairs: Iterable[tuple[str, str]]) -> bool:
        return all(self.union(a, b) for a, b in pairs)

    def atom(self, lit: Literal, subst: dict[str, str] | None = None) -> CanonAtom:
        args = lit.args if subst is None else tuple(subst.get(a, a) for a in lit.args)
        return lit.predicate, tuple(self.find(a) for a in args)


# -- per-schema facts the checks need ------------------------------------------


@dataclass(frozen=True)
class _Conj:
    """A conjunction of literals split by kind."""

    pos: tuple[Literal, ...]
    neg: tuple[Literal, ...]
    eq: tuple[tuple[str, str], ...]
    neq: tuple[tuple[str, str], ...]

    @staticmethod
    def of(literals: Iterable[Literal]) -> "_Conj":
        pos, neg, eq, neq = [], [], [], []
        for lit in literals:
            if lit.predicate == EQUALITY:
                (eq if lit.positive else neq).append((lit.args[0], lit.args[1]))
            else:
                (pos if lit.positive else neg).append(lit)
        return _Conj(tuple(pos), tuple(neg), tuple(eq), tuple(neq))

    def __add__(self, other: "_Conj") -> "_Conj":
        return _Conj(self.pos + other.pos, self.neg + other.neg, self.eq + other.eq,
                     self.neq + other.neq)


def _rename(eff: Effect, tag: str) -> Effect:
    """A copy of an effect with its own quantified variables renamed apart."""
    names = {p.name: p.name + tag for p in eff.variables}
    if not names:
        return eff

    def lit(l: Literal) -> Literal:
        return Literal(l.predicate, tuple(names.get(a, a) for a in l.args), l.positive)

    return Effect(tuple(replace(p, name=names[p.name]) for p in eff.variables),
                  tuple(lit(l) for l in eff.condition), lit(eff.atom))


class _SchemaInfo:
    def __init__(self, schema: Schema, objects_of) -> None:
        self.schema = schema
        self.pre = _Conj.of(schema.precondition)
        self.adds = [e for e in schema.effects if e.atom.positive]
        self.dels = [e for e in schema.effects if not e.atom.positive]
        self.cond = {id(e): _Conj.of(e.condition) for e in schema.effects}
        self.objects_of = objects_of
        domains = {p.name: objects_of(p.types) for p in schema.params}
        for e in schema.effects:
            for p in e.variables:
                domains[p.name] = objects_of(p.types)
                for tag in ("'", "''"):
                    domains[p.name + tag] = domains[p.name]
        self.domains = domains

    def conj(self, eff: Effect) -> _Conj:
        """Condition of an effect (renamed copies are rebuilt on demand)."""
        c = self.cond.get(id(eff))
        return c if c is not None else _Conj.of(eff.condition)

    def unifier(self, conj: _Conj) -> _Unifier | None:
        u = _Unifier(self.domains)
        return u if u.union_all(conj.eq) else None


def _contradictory(u: _Unifier, conj: _Conj) -> bool:
    """True when the conjunction can hold in no state under these equalities."""
    if any(u.find(a) == u.find(b) for a, b in conj.neq):
        return True
    pos = {u.atom(l) for l in conj.pos}
    return any(u.atom(l) in pos for l in conj.neg)


def _always_distinct(x: CanonAtom, y: CanonAtom) -> bool:
    return x[0] != y[0] or any(a != b and not _is_var(a) and not _is_var(b)
                               for a, b in zip(x[1], y[1]))


def _differences(x: CanonAtom, y: CanonAtom) -> set[frozenset[str]]:
    return {frozenset((a, b)) for a, b in zip(x[1], y[1]) if a != b}


# -- the balance check ---------------------------------------------------------


class _Checker:
    """Proves or refutes candidates against all schemas of a task."""

    def __init__(self, task: NormalTask) -> None:
        self.objects_of = _object_sets(task)
        self.infos = [_SchemaInfo(s, self.objects_of) for s in task.schemas]
        self.adders: dict[str, list[_SchemaInfo]] = {}
        for info in self.infos:
            for pred in dict.fromkeys(e.atom.predicate for e in info.adds):
                self.adders.setdefault(pred, []).append(info)
        self.fluents = set(task.fluent_predicates)

    def check(self, inv: Invariant) -> tuple[bool, list[Invariant]]:
        """(proven, refinements to try when not). Unlike FD, which refines on
        the first unbalanced add effect it meets (in random order), this
        collects the refinements of every unbalanced add effect, so the
        invariants found do not depend on an order."""
        parts = inv.predicates
        seen: set[int] = set()
        refinements: list[Invariant] = []
        balanced = True
        for part in inv.parts:
            for info in self.adders.get(part.predicate, ()):
                if id(info) in seen:
                    continue
                seen.add(id(info))
                adds = [e for e in info.adds if e.atom.predicate in parts]
                if self._too_heavy(info, adds, parts):
                    balanced = False  # refinements can still cure this:
                    # a new part may make the precondition refute the pair
                for e in adds:
                    if not self._balanced(info, e, parts):
                        balanced = False
                        refinements.extend(self._refine(info, e, inv))
                        break
        return balanced, refinements

    # two add effects adding two atoms of one A(v)
    def _too_heavy(self, info: _SchemaInfo, adds: list[Effect], parts: dict[str, Part]) -> bool:
        for i, e1 in enumerate(adds):
            for e2 in adds[i:]:
                if e1 is e2 and not e1.variables:
                    continue
                if not self._pair_safe(info, e1, _rename(e2, "'"), parts):
                    return True
        return False

    def _pair_safe(self, info: _SchemaInfo, e1: Effect, e2: Effect,
                   parts: dict[str, Part]) -> bool:
        conj = info.pre + info.conj(e1) + info.conj(e2)
        u = info.unifier(conj)
        if u is None:
            return True
        k1 = parts[e1.atom.predicate].key(e1.atom.args)
        k2 = parts[e2.atom.predicate].key(e2.atom.args)
        if not u.union_all(zip(k1, k2)):
            return True
        a1, a2 = u.atom(e1.atom), u.atom(e2.atom)
        if a1 == a2 or _contradictory(u, conj):
            return True
        return self._holds_two(u, conj, a1, a2, parts)

    def _holds_two(self, u: _Unifier, conj: _Conj, a1: CanonAtom, a2: CanonAtom,
                   parts: dict[str, Part]) -> bool:
        """Does the conjunction hold two different atoms of one A(w) whenever
        a1 and a2 differ? Then no state satisfying the candidate meets it."""
        held = [(u.atom(l), parts[l.predicate]) for l in conj.pos if l.predicate in parts]
        need = _differences(a1, a2) if a1[0] == a2[0] else None
        for (l1, p1), (l2, p2) in itertools.combinations(dict(held).items(), 2):
            if p1.key(l1[1]) != p2.key(l2[1]):
                continue
            if _always_distinct(l1, l2):
                return True
            if need is not None and l1[0] == l2[0] and need <= _differences(l1, l2):
                return True
        return False

    # an add effect paid for by a delete effect
    def _balanced(self, info: _SchemaInfo, e: Effect, parts: dict[str, Part]) -> bool:
        conj = info.pre + info.conj(e)
        u = info.unifier(conj)
        if u is None or _contradictory(u, conj):
            return True
        added = u.atom(e.atom)
        true_atoms = {u.atom(l) for l in conj.pos}
        if added in true_atoms:
            return True  # the atom was true already: nothing new in A(v)
        want = parts[e.atom.predicate].key(added[1])
        for d in info.dels:
            part = parts.get(d.atom.predicate)
            if part is None:
                continue
            d = _rename(d, "''")
            for lit in conj.pos:
                if lit.predicate == d.atom.predicate and self._deletes_true(
                        info, u, d, lit, part, want, conj, true_atoms):
                    return True
        return False

    def _deletes_true(self, info: _SchemaInfo, u: _Unifier, d: Effect, lit: Literal,
                      part: Part, want: tuple[str, ...], conj: _Conj,
                      true_atoms: set[CanonAtom]) -> bool:
        """Is d sure to fire and delete the atom of `lit` (true), of A(want)?"""
        free = {p.name for p in d.variables}
        subst: dict[str, str] = {}
        for a, b in zip(d.atom.args, lit.args):
            if a in free:
                if a in subst and u.find(subst[a]) != u.find(b):
                    return False
                subst.setdefault(a, b)
            elif u.find(a) != u.find(b):
                return False
        if part.key(u.atom(d.atom, subst)[1]) != want:
            return False
        for p in d.variables:
            if p.name in subst:
                if not u.domain(subst[p.name]) <= info.domains[p.name]:
                    return False
            elif any(p.name in l.args for l in d.condition) or not info.domains[p.name]:
                return False
        return self._implied(u, _Conj.of(d.condition), subst, conj, true_atoms)

    @staticmethod
    def _implied(u: _Unifier, cond: _Conj, subst: dict[str, str], conj: _Conj,
                 true_atoms: set[CanonAtom]) -> bool:
        """Syntactic entailment of an effect condition by the firing context."""
        f = lambda t: u.find(subst.get(t, t))  # noqa: E731
        if any(f(a) != f(b) for a, b in cond.eq):
            return False
        known_neq = {frozenset((u.find(a), u.find(b))) for a, b in conj.neq}
        for a, b in cond.neq:
            x, y = f(a), f(b)
            if not ((not _is_var(x) and not _is_var(y) and x != y)
                    or frozenset((x, y)) in known_neq):
                return False
        if any(u.atom(l, subst) not in true_atoms for l in cond.pos):
            return False
        false_atoms = {u.atom(l) for l in conj.neg}
        return all(u.atom(l, subst) in false_atoms for l in cond.neg)

    # refinement: a part for each delete effect that could pay for `e`
    def _refine(self, info: _SchemaInfo, e: Effect, inv: Invariant) -> list[Invariant]:
        parts = inv.predicates
        want = parts[e.atom.predicate].key(e.atom.args)
        out = []
        for d in info.dels:
            pred = d.atom.predicate
            if pred in parts or pred not in self.fluents:
                continue
            for part in _parts_matching(pred, d.atom.args, want):
                out.append(canonical(inv.parts + (part,)))
        return out


def _parts_matching(pred: str, args: tuple[str, ...], want: tuple[str, ...]) -> Iterator[Part]:
    """Parts of `pred` under which an atom with `args` has binding `want`."""
    choices = [[i for i, a in enumerate(args) if a == w] for w in want]
    for pick in itertools.product(*choices):
        if len(set(pick)) < len(pick) or len(args) - len(pick) > 1:
            continue
        slots = [COUNTED] * len(args)
        for j, i in enumerate(pick):
            slots[i] = j
        yield Part(pred, tuple(slots))


def _object_sets(task: NormalTask):
    """types tuple -> frozenset of the task's objects of any of those types."""
    parents = task.type_parents
    ancestry: dict[str, set[str]] = {}
    for obj, types in task.objects.items():
        seen = {"object"}
        for t in types:
            while t is not None and t not in seen:
                seen.add(t)
                t = parents.get(t)
        ancestry[obj] = seen
    cache: dict[tuple[str, ...], frozenset[str]] = {}

    def objects_of(types: tuple[str, ...]) -> frozenset[str]:
        if types not in cache:
            cache[types] = frozenset(o for o, anc in ancestry.items() if anc & set(types))
        return cache[types]

    return objects_of


def synthesize(task: NormalTask, max_candidates: int = MAX_CANDIDATES,
               time_limit: float = DEFAULT_TIME_LIMIT) -> list[Invariant]:
    """Proven invariants of the task's schemas, breadth first over refinements.
    Stopping early (limits) only loses invariants, never soundness."""
    checker = _Checker(task)
    queue = initial_candidates(task)
    seen = set(queue)
    proven = []
    deadline = time.monotonic() + time_limit
    head = 0
    while head < len(queue) and time.monotonic() < deadline:
        cand = queue[head]
        head += 1
        ok, refinements = checker.check(cand)
        if ok:
            proven.append(cand)
        for r in refinements:
            if r not in seen and len(seen) < max_candidates:
                seen.add(r)
                queue.append(r)
    return proven


# -- instantiation on the ground task --------------------------------------------


def _fact_table(task: GroundTask) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """predicate -> (fact ids, object-id argument matrix)."""
    obj_id = {o: i for i, o in enumerate(task.lifted.objects)} if task.lifted else {}
    ids: dict[str, list[int]] = {}
    rows: dict[str, list[list[int]]] = {}
    for i, atom in enumerate(task.facts):
        if atom[0] not in ids:
            ids[atom[0]], rows[atom[0]] = [], []
        ids[atom[0]].append(i)
        rows[atom[0]].append([obj_id.setdefault(a, len(obj_id)) for a in atom[1:]])
    return {p: (np.array(ids[p], dtype=np.int64),
                np.array(rows[p], dtype=np.int64).reshape(len(ids[p]), -1)) for p in ids}


def instantiate(inv: Invariant, table: dict[str, tuple[np.ndarray, np.ndarray]],
                is_init: np.ndarray) -> list[np.ndarray]:
    """Ground groups of one invariant: facts sharing a binding v, kept when of
    size >= 2 and at most one of them is true initially."""
    keys, facts = [], []
    for part in inv.parts:
        if part.predicate in table:
            ids, args = table[part.predicate]
            keys.append(args[:, list(part.positions)])
            facts.append(ids)
    if not facts:
        return []
    fact = np.concatenate(facts)
    key = np.concatenate(keys).reshape(len(fact), -1)
    if key.shape[1]:
        _, group = np.unique(key, axis=0, return_inverse=True)
        group = group.reshape(-1)
    else:
        group = np.zeros(len(fact), dtype=np.int64)
    order = np.argsort(group, kind="stable")
    size = np.bincount(group)
    init = np.bincount(group, weights=is_init[fact], minlength=len(size))
    bounds = np.concatenate(([0], np.cumsum(size)))
    good = np.flatnonzero((size >= 2) & (init <= 1))
    sorted_facts = fact[order]
    return [np.sort(sorted_facts[bounds[g]:bounds[g + 1]]).astype(np.int32) for g in good]


def find_mutex_groups(normal_task: NormalTask, task: GroundTask,
                      invariants: Sequence[Invariant] | None = None,
                      time_limit: float = DEFAULT_TIME_LIMIT) -> tuple[np.ndarray, ...]:
    """All ground mutex groups (sorted int32 fact ids, size >= 2, distinct;
    groups may overlap)."""
    if invariants is None:
        invariants = synthesize(normal_task, time_limit=time_limit)
    table = _fact_table(task)
    is_init = np.zeros(task.num_facts, dtype=np.float64)
    is_init[task.init] = 1.0
    unique: dict[bytes, np.ndarray] = {}
    for inv in invariants:
        for g in instantiate(inv, table, is_init):
            unique.setdefault(g.tobytes(), g)
    return tuple(unique.values())


# -- using the groups -------------------------------------------------------------


def choose_packing_groups(groups: Sequence[np.ndarray], n_facts: int) -> tuple[np.ndarray, ...]:
    """A disjoint cover for state packing, greedily as FD: take the group with
    most still-uncovered facts, shrink the others by what it covered, repeat
    while some group has >= 2 uncovered facts. Facts outside the returned
    groups are left to single bits. Ties go to the earlier group."""
    members = [np.unique(np.asarray(g, dtype=np.int64)) for g in groups]
    owners: list[list[int]] = [[] for _ in range(n_facts)]
    for gi, g in enumerate(members):
        for f in g.tolist():
            owners[f].append(gi)
    left = [len(g) for g in members]
    heap = [(-n, gi) for gi, n in enumerate(left) if n >= 2]
    heapq.heapify(heap)
    covered = np.zeros(n_facts, dtype=bool)
    chosen = []
    while heap:
        neg, gi = heapq.heappop(heap)
        if -neg != left[gi]:
            if left[gi] >= 2:
                heapq.heappush(heap, (-left[gi], gi))
            continue
        take = members[gi][~covered[members[gi]]]
        covered[take] = True
        chosen.append(take.astype(np.int32))
        for f in take.tolist():
            for other in owners[f]:
                left[other] -= 1
    return tuple(chosen)


def _fact_groups_csr(groups: Sequence[np.ndarray], n_facts: int) -> tuple[np.ndarray, np.ndarray]:
    """fact -> groups containing it, as (ptr, group ids)."""
    facts = np.concatenate([np.asarray(g, np.int64) for g in groups]) if groups else \
        np.empty(0, np.int64)
    gids = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    order = np.argsort(facts, kind="stable")
    ptr = np.zeros(n_facts + 1, dtype=np.int64)
    np.cumsum(np.bincount(facts, minlength=n_facts), out=ptr[1:])
    return ptr, gids[order]


MUTEX_CHUNK_KEYS = 1 << 62
"""Rows are checked for mutex pairs in chunks whose (row, group, fact) keys stay
below this, so a chunk's keys fit in int64 and no whole-task pair table is built."""


def _rows_with_mutex_pair(rows: CSR, groups: Sequence[np.ndarray], n_facts: int) -> np.ndarray:
    """Boolean per row: does it contain two (distinct) facts of one group?"""
    n_rows = len(rows)
    bad = np.zeros(n_rows, dtype=bool)
    if not groups or n_rows == 0:
        return bad
    ptr, gids = _fact_groups_csr(groups, n_facts)
    step = int(max(1, min(1 << 16, MUTEX_CHUNK_KEYS // (len(groups) * max(n_facts, 1)))))
    for lo in range(0, n_rows, step):
        hi = min(lo + step, n_rows)
        bad[lo:hi] = _chunk_mutex_rows(rows.ptr[lo:hi + 1], rows.idx, ptr, gids,
                                       len(groups), n_facts)
    return bad


def _chunk_mutex_rows(row_ptr: np.ndarray, idx: np.ndarray, ptr: np.ndarray, gids: np.ndarray,
                      n_groups: int, n_facts: int) -> np.ndarray:
    """_rows_with_mutex_pair for the rows bounded by row_ptr (a slice of a CSR ptr)."""
    n_rows = len(row_ptr) - 1
    lengths = np.diff(row_ptr).astype(np.int64)
    row_of = np.repeat(np.arange(n_rows, dtype=np.int64), lengths)
    facts = idx[int(row_ptr[0]):int(row_ptr[-1])].astype(np.int64)
    counts = ptr[facts + 1] - ptr[facts]
    start = np.repeat(ptr[facts], counts)
    offset = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    pair_group = gids[start + offset]
    key = (np.repeat(row_of, counts) * n_groups + pair_group) * max(n_facts, 1)
    key += np.repeat(facts, counts)
    bad = np.zeros(n_rows, dtype=bool)
    if len(key) == 0:
        return bad
    key.sort(kind="stable")  # not np.unique: its hashing is ~10x slower on int64 keys
    distinct = np.concatenate(([True], key[1:] != key[:-1]))  # distinct (row, group, fact)
    rg = key[distinct] // max(n_facts, 1)
    dup = rg[1:][rg[1:] == rg[:-1]]  # (row, group) with two distinct facts
    bad[dup // n_groups] = True
    return bad


def _select(csr: CSR, keep: np.ndarray) -> CSR:
    """The rows of `csr` listed in `keep`, in that order."""
    lengths = np.diff(csr.ptr)[keep]
    ptr = np.zeros(len(keep) + 1, dtype=np.int32)
    np.cumsum(lengths, out=ptr[1:])
    starts = np.repeat(csr.ptr[keep].astype(np.int64), lengths)
    offset = np.arange(int(ptr[-1])) - np.repeat(ptr[:-1].astype(np.int64), lengths)
    return CSR(ptr, csr.idx[starts + offset].astype(np.int32))


def _compact(csr: CSR, row_mask: np.ndarray) -> CSR:
    """The rows of `csr` where row_mask holds, in order: _select for a sorted
    `keep`, through one boolean mask over idx instead of int64 index arrays
    (which cost 24 bytes per entry on tasks with tens of millions of them)."""
    lengths = np.diff(csr.ptr)
    ptr = np.zeros(int(row_mask.sum()) + 1, dtype=np.int32)
    np.cumsum(lengths[row_mask], out=ptr[1:])
    return CSR(ptr, csr.idx[np.repeat(row_mask, lengths)].astype(np.int32, copy=False))


def _select_names(names, keep: np.ndarray):
    """Keep lazy operator names lazy (planner.task.OperatorNames.select)."""
    if hasattr(names, "select"):
        return names.select(keep)
    return tuple(names[i] for i in keep.tolist())


def prune_operators(task: GroundTask, groups: Sequence[np.ndarray]) -> GroundTask:
    """Drop operators whose positive precondition holds two facts of one mutex
    group: they are applicable in no reachable state."""
    bad = _rows_with_mutex_pair(task.pre_pos, groups, task.num_facts)
    if not bad.any():
        return task
    keep = np.flatnonzero(~bad)
    cond = task.conditional
    if cond is not None:
        effects = _select(cond.ops, keep)
        eff_ids = effects.idx.astype(np.int64)
        cond = ConditionalEffects(
            ops=CSR(effects.ptr, np.arange(len(eff_ids), dtype=np.int32)),
            cond_pos=_select(cond.cond_pos, eff_ids), cond_neg=_select(cond.cond_neg, eff_ids),
            add=_select(cond.add, eff_ids), delete=_select(cond.delete, eff_ids))
    good = ~bad
    return replace(
        task, operators=_select_names(task.operators, keep), cost=task.cost[keep],
        pre_pos=_compact(task.pre_pos, good), pre_neg=_compact(task.pre_neg, good),
        add=_compact(task.add, good), delete=_compact(task.delete, good), conditional=cond)


def goal_is_mutex(task: GroundTask, groups: Sequence[np.ndarray]) -> bool:
    """Does the goal ask for two facts of one group (so it is unreachable)?"""
    goal = CSR(np.array([0, len(task.goal_pos)], dtype=np.int32), task.goal_pos)
    return bool(_rows_with_mutex_pair(goal, groups, task.num_facts)[0])
