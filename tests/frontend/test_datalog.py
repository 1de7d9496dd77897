"""planner.frontend.datalog: joins with constants, repeated variables, type masks,
(in)equality and negation constraints; semi-naive evaluation equals a naive
brute-force fixpoint on random small programs."""
from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.frontend.datalog import BodyAtom, Constraint, KeyCodec, Relation, Rule, evaluate, fixpoint


def rel(name: str, arity: int, n: int, rows=()) -> Relation:
    r = Relation(name, arity, n)
    if rows:
        r.add(np.array(rows, dtype=np.int32).reshape(len(rows), arity))
    return r


def rows_of(r: Relation) -> set[tuple[int, ...]]:
    return set(map(tuple, r.version("all").tolist()))


def masks(n: int, k: int, only=None):
    return [np.ones(n, dtype=bool) if only is None or i not in only else only[i]
            for i in range(k)]


def table(rows) -> np.ndarray:
    rows = list(rows)
    return np.array(rows, dtype=np.int32).reshape(len(rows), -1 if rows else 0)


def bindings(result: np.ndarray) -> set[tuple[int, ...]]:
    return set(map(tuple, result.tolist()))


N = 4
EDGE = table([(0, 1), (1, 2), (2, 2), (2, 3)])


def test_join_two_atoms() -> None:
    body = [(EDGE, (("v", 0), ("v", 1))), (EDGE, (("v", 1), ("v", 2)))]
    got = bindings(evaluate(body, masks(N, 3), [], N))
    assert got == {(0, 1, 2), (1, 2, 2), (1, 2, 3), (2, 2, 2), (2, 2, 3)}


def test_constants_in_atoms() -> None:
    got = bindings(evaluate([(EDGE, (("c", 2), ("v", 0)))], masks(N, 1), [], N))
    assert got == {(2,), (3,)}


def test_repeated_variable() -> None:
    got = bindings(evaluate([(EDGE, (("v", 0), ("v", 0)))], masks(N, 1), [], N))
    assert got == {(2,)}


def test_inequality_and_equality_constraints() -> None:
    body = [(EDGE, (("v", 0), ("v", 1)))]
    neq = bindings(evaluate(body, masks(N, 2), [Constraint("neq", (("v", 0), ("v", 1)))], N))
    assert neq == {(0, 1), (1, 2), (2, 3)}
    eq_c = bindings(evaluate(body, masks(N, 2), [Constraint("eq", (("v", 1), ("c", 2)))], N))
    assert eq_c == {(1, 2), (2, 2)}


def test_not_in_constraint() -> None:
    blocked = rel("blocked", 1, N, [(1,)])
    blocked.commit()
    body = [(EDGE, (("v", 0), ("v", 1)))]
    got = bindings(evaluate(body, masks(N, 2), [Constraint("not_in", (("v", 0),), blocked)], N))
    assert got == {(0, 1), (2, 2), (2, 3)}


def test_unbound_variables_range_over_their_type() -> None:
    odd = np.array([False, True, False, True])
    got = bindings(evaluate([], masks(N, 2, {0: odd}), [Constraint("neq", (("v", 0), ("v", 1)))], N))
    assert got == {(a, b) for a in (1, 3) for b in range(N) if a != b}


def test_type_masks_filter_atom_variables() -> None:
    low = np.array([True, True, False, False])
    got = bindings(evaluate([(EDGE, (("v", 0), ("v", 1)))], masks(N, 2, {1: low}), [], N))
    assert got == {(0, 1)}


def test_transitive_closure_fixpoint() -> None:
    edge = rel("edge", 2, N, [(0, 1), (1, 2), (2, 3)])
    path = rel("path", 2, N)
    rules = [Rule(path, (("v", 0), ("v", 1)), [BodyAtom(edge, (("v", 0), ("v", 1)))], masks(N, 2)),
             Rule(path, (("v", 0), ("v", 2)),
                  [BodyAtom(path, (("v", 0), ("v", 1))), BodyAtom(edge, (("v", 1), ("v", 2)))],
                  masks(N, 3))]
    fixpoint(rules, [edge, path], N)
    assert rows_of(path) == {(a, b) for a in range(4) for b in range(4) if a < b}


def test_relation_dedupes_and_finds_rows() -> None:
    r = rel("r", 2, N, [(1, 2), (1, 2), (0, 3)])
    r.commit()
    assert len(r) == 2
    assert r.contains(table([(1, 2), (2, 1)])).tolist() == [True, False]
    r.add(table([(0, 3), (3, 3)]))
    assert r.commit() == 1 and len(r) == 3
    sorted_rows = r.sorted_rows().tolist()
    assert sorted_rows == sorted(sorted_rows)
    assert r.index_of(table([(3, 3), (0, 3), (2, 2)])).tolist() == [2, 0, -1]


def test_relation_without_fitting_codec_uses_a_set() -> None:
    big = 1 << 21  # big**3 >= 2**62: keys do not fit in int64
    r = Relation("r", 3, big)
    assert not r.codec.fits
    r.add(table([(big - 1, 0, 5), (big - 1, 0, 5), (1, 2, 3)]))
    r.commit()
    assert len(r) == 2
    assert r.contains(table([(1, 2, 3), (3, 2, 1)])).tolist() == [True, False]
    assert r.index_of(table([(big - 1, 0, 5), (1, 2, 3)])).tolist() == [1, 0]


def test_key_codec_is_injective() -> None:
    codec = KeyCodec(3, 5)
    rows = table(itertools.product(range(5), repeat=3))
    assert len(set(codec.encode(rows).tolist())) == 125


# -- semi-naive == naive on random programs -----------------------------------

@st.composite
def programs(draw):
    n = draw(st.integers(1, 4))
    n_rel = draw(st.integers(2, 4))
    arities = [draw(st.integers(0, 2)) for _ in range(n_rel)]
    init = [draw(st.lists(st.tuples(*[st.integers(0, n - 1)] * a), max_size=4)) for a in arities]
    idb = set(draw(st.lists(st.integers(0, n_rel - 1), min_size=1, max_size=n_rel, unique=True)))
    rules = []
    for _ in range(draw(st.integers(1, 4))):
        n_vars = draw(st.integers(0, 3))

        def arg():
            if n_vars and draw(st.integers(0, 3)):
                return ("v", draw(st.integers(0, n_vars - 1)))
            return ("c", draw(st.integers(0, n - 1)))

        head = draw(st.sampled_from(sorted(idb)))
        body = [(r, tuple(arg() for _ in range(arities[r])))
                for r in draw(st.lists(st.integers(0, n_rel - 1), max_size=3))]
        var_masks = [np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
                     for _ in range(n_vars)]
        cons = []
        for _ in range(draw(st.integers(0, 2))):
            kind = draw(st.sampled_from(["eq", "neq", "not_in"]))
            if kind == "not_in":
                edb = [r for r in range(n_rel) if r not in idb]
                if not edb:
                    continue
                r = draw(st.sampled_from(edb))
                cons.append(("not_in", tuple(arg() for _ in range(arities[r])), r))
            else:
                cons.append((kind, (arg(), arg()), None))
        rules.append((head, tuple(arg() for _ in range(arities[head])), body, var_masks, cons))
    return n, arities, init, rules


def naive(n, arities, init, rules):
    facts = [set(rows) for rows in init]
    changed = True
    while changed:
        changed = False
        for head, hargs, body, var_masks, cons in rules:
            domains = [[o for o in range(n) if m[o]] for m in var_masks]
            for b in itertools.product(*domains):
                val = lambda a: b[a[1]] if a[0] == "v" else a[1]  # noqa: E731
                if not all(tuple(val(a) for a in args) in facts[r] for r, args in body):
                    continue
                ok = True
                for kind, args, r in cons:
                    vals = tuple(val(a) for a in args)
                    ok &= (vals[0] == vals[1] if kind == "eq" else vals[0] != vals[1]
                           if kind == "neq" else vals not in facts[r])
                if ok:
                    row = tuple(val(a) for a in hargs)
                    if row not in facts[head]:
                        facts[head].add(row)
                        changed = True
    return facts


@settings(max_examples=150, deadline=None)
@given(programs())
def test_semi_naive_equals_naive(program) -> None:
    n, arities, init, rules = program
    relations = [rel(f"r{i}", a, n, rows) for i, (a, rows) in enumerate(zip(arities, init))]
    compiled = []
    for head, hargs, body, var_masks, cons in rules:
        constraints = [Constraint(kind, args, relations[r] if r is not None else None)
                       for kind, args, r in cons]
        compiled.append(Rule(relations[head], hargs,
                             [BodyAtom(relations[r], args) for r, args in body],
                             var_masks, constraints))
    fixpoint(compiled, relations, n)
    assert [rows_of(r) for r in relations] == naive(n, arities, init, rules)
