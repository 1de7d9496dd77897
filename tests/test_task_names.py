"""planner.task.OperatorNames: names built a chunk at a time equal the one-by-one names."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.task import OperatorNames


@st.composite
def names_and_order(draw):
    objects = [f"o{i}" for i in range(draw(st.integers(1, 6)))]
    blocks = []
    for b in range(draw(st.integers(1, 4))):
        arity = draw(st.integers(0, 3))
        n = draw(st.integers(0, 7))
        rows = np.array(draw(st.lists(st.lists(st.integers(0, len(objects) - 1), min_size=arity,
                                               max_size=arity), min_size=n, max_size=n)),
                        dtype=np.int32).reshape(n, arity)
        blocks.append((f"s{b}-x", rows))
    total = sum(len(r) for _, r in blocks)
    keep = draw(st.permutations(range(total)))[: draw(st.integers(0, total))]
    return OperatorNames(blocks, objects), np.array(keep, dtype=np.int64), draw(st.integers(1, 5))


@settings(max_examples=200, deadline=None)
@given(names_and_order())
def test_chunked_names_equal_one_by_one(case):
    names, keep, size = case
    for seq in (names, names.select(keep)):
        expected = [seq[i] for i in range(len(seq))]
        assert list(seq) == expected
        assert [n for chunk in seq.chunks(size) for n in chunk] == expected
        assert all(len(chunk) <= size for chunk in seq.chunks(size))


def test_names_format():
    names = OperatorNames([("noop", np.zeros((2, 0), dtype=np.int32)),
                           ("move", np.array([[0, 1], [1, 0]], dtype=np.int32))], ["a", "b"])
    assert list(names) == ["(noop)", "(noop)", "(move a b)", "(move b a)"]
    assert names.index("(move b a)") == 3
