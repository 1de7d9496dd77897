"""What a PDDL text uses, read from its s-expressions, and the rewrites that
let the `pddl` package read everything Fast Downward's translator reads.

The `pddl` package (0.5) refuses (1) constructs whose requirement flag is not
declared (types without :typing, `=` without :equality, `total-cost`
without :action-costs, ...), (2) names it reserves (`object` as a variable
or object name, `oneof`, `assign`, `total-cost`, `either` as names), and
(3) a type listed under two parents in :types. Fast Downward reads all
three. This module finds them on a light s-expression tree of the text
(every token with its offset) so that the parser module can

* add the missing flags to the parser's requirement set (never to the
  text) and warn once per flag at the first token that needs it;
* escape reserved names in name positions to fresh names (`kw_oneof`) and
  map them back afterwards (`Rewrite.original`), so plans, errors and atoms
  show the user's names; positions in the rewritten text map back to the
  original (`Rewrite.original_offset`), so syntax errors point at the token;
* turn every later parent of a type into an extra parent (Fast Downward's
  semantics: the type is a subtype of each parent it is listed under, see
  `Analysis.extra_parents`).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

Token = tuple[str, int]
"""A word or parenthesis and its offset in the text."""

_TOKEN = re.compile(r"\(|\)|[^\s()]+")

RESERVED = frozenset({
    "and", "define", "domain", "either", "exists", "forall", "imply", "not", "object", "oneof",
    "or", "problem", "when", "assign", "scale-up", "scale-down", "increase", "decrease",
    "maximize", "minimize", "total-cost",
})
"""Words the `pddl` package's grammar or name checks refuse as names."""

IMPLIED = {
    "adl": {"strips", "typing", "negative-preconditions", "disjunctive-preconditions",
            "equality", "existential-preconditions", "universal-preconditions",
            "quantified-preconditions", "conditional-effects"},
    "quantified-preconditions": {"existential-preconditions", "universal-preconditions"},
    "fluents": {"numeric-fluents", "object-fluents"},
}

_CONNECTIVES = frozenset({"and", "or", "not", "imply", "exists", "forall", "="})
_COMPARISONS = frozenset({"<", ">", "<=", ">="})
_NUMERIC_EFFECTS = frozenset({"increase", "decrease", "assign", "scale-up", "scale-down"})


def extend(flags: set[str]) -> set[str]:
    """The flags together with the flags they imply (:adl implies :typing, ...)."""
    out = set(flags)
    for flag in list(out):
        out |= IMPLIED.get(flag, set())
    return out


class Node(list):
    """A parenthesised list of tokens and nodes; `start` is the offset of '('."""

    start: int = 0


def read_tree(masked: str) -> list | None:
    """The top-level nodes of the (comment-masked) text, or None when its
    parentheses do not balance (the parser reports that, with its position)."""
    stack: list[list] = [[]]
    for m in _TOKEN.finditer(masked):
        tok = m.group(0)
        if tok == "(":
            node = Node()
            node.start = m.start()
            stack[-1].append(node)
            stack.append(node)
        elif tok == ")":
            if len(stack) == 1:
                return None
            stack.pop()
        else:
            stack[-1].append((tok, m.start()))
    return stack[0] if len(stack) == 1 else None


def _word(item) -> str | None:
    return item[0] if isinstance(item, tuple) else None


@dataclass
class Analysis:
    """What one file uses and how to rewrite it for the `pddl` package."""

    declared: set[str] = field(default_factory=set)
    used: dict[str, int] = field(default_factory=dict)
    """Requirement flag -> offset of the first token that needs it."""
    edits: list[tuple[int, int, str]] = field(default_factory=list)
    """(start, end, replacement) in the original text, sorted, disjoint."""
    extra_parents: dict[str, list[str]] = field(default_factory=dict)
    """Type -> its parents after the first (a type listed under two parents)."""
    dummy_types: set[str] = field(default_factory=set)
    """Fresh type names standing in for later parent listings; not real types."""

    def use(self, flag: str, offset: int) -> None:
        if flag not in self.used or offset < self.used[flag]:
            self.used[flag] = offset


class Rewrite:
    """A rewritten text and the map from its offsets back to the original."""

    def __init__(self, text: str, edits: list[tuple[int, int, str]]) -> None:
        parts, self._new_starts, self._old_starts, self._deltas = [], [], [], []
        self._old_ends: list[int] = []
        pos, shift = 0, 0
        for start, end, new in sorted(edits):
            parts.append(text[pos:start])
            self._new_starts.append(start + shift)
            self._old_starts.append(start)
            self._old_ends.append(end)
            parts.append(new)
            shift += len(new) - (end - start)
            self._deltas.append(shift)
            pos = end
        parts.append(text[pos:])
        self.text = "".join(parts)

    def original_offset(self, offset: int) -> int:
        """Where a position of the rewritten text was in the original (a
        position inside a replacement maps to the start of what it replaced)."""
        i = bisect.bisect_right(self._new_starts, offset) - 1
        if i < 0:
            return offset
        before = self._deltas[i - 1] if i > 0 else 0
        new_len = self._deltas[i] - before + (self._old_ends[i] - self._old_starts[i])
        if offset < self._new_starts[i] + new_len:
            return self._old_starts[i]
        return offset - self._deltas[i]


class Escapes:
    """Reserved names <-> the fresh names given to the `pddl` package."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self.forward: dict[str, str] = {}
        self.back: dict[str, str] = {}
        self._pattern: re.Pattern | None = None

    def escape(self, word: str) -> str:
        if word not in self.forward:
            new = "kw_" + word
            while new in self.taken:
                new += "_"
            self.taken.add(new)
            self.forward[word] = new
            self.back[new] = word
            self._pattern = None
        return self.forward[word]

    def fresh(self, stem: str) -> str:
        new = stem
        k = 0
        while new in self.taken:
            k += 1
            new = f"{stem}{k}"
        self.taken.add(new)
        return new

    def original(self, name: str) -> str:
        """The user's spelling of a name the parser saw (variables keep their '?')."""
        if name.startswith("?"):
            return "?" + self.back.get(name[1:], name[1:])
        return self.back.get(name, name)

    def unescape_text(self, text: str) -> str:
        """A message with every escaped name spelled as the user wrote it."""
        if not self.back:
            return text
        if self._pattern is None:
            self._pattern = re.compile(r"(?<![\w\-])(" + "|".join(
                re.escape(k) for k in sorted(self.back, key=len, reverse=True)) + r")(?![\w\-])")
        return self._pattern.sub(lambda m: self.back[m.group(1)], text)


class _Walker:
    """Walks a domain or problem tree: records requirement use, escapes reserved names."""

    def __init__(self, analysis: Analysis, escapes: Escapes, predicates: set[str]) -> None:
        self.a = analysis
        self.esc = escapes
        self.predicates = predicates

    def rename(self, tok: Token) -> None:
        word, offset = tok
        if word.startswith("?"):
            if word[1:] in RESERVED:
                self.a.edits.append((offset, offset + len(word), "?" + self.esc.escape(word[1:])))
        elif word in RESERVED:
            self.a.edits.append((offset, offset + len(word), self.esc.escape(word)))

    def typed_list(self, items: list, types_only: bool = False) -> None:
        """`a b - t c - (either u v)`: names are renamed, types checked for use."""
        i = 0
        while i < len(items):
            item = items[i]
            word = _word(item)
            if word == "-" and i + 1 < len(items):
                self.a.use("typing", item[1])
                self.type_ref(items[i + 1])
                i += 2
                continue
            if isinstance(item, tuple):
                if types_only:
                    self.type_ref(item)
                else:
                    self.rename(item)
            i += 1

    def type_ref(self, item) -> None:
        if isinstance(item, Node):
            if item and _word(item[0]) == "either":
                self.a.use("typing", item[0][1])
                for t in item[1:]:
                    self.type_ref(t)
            return
        if item[0] != "object":
            self.rename(item)

    def atom(self, node: Node) -> None:
        head = node[0] if node else None
        if isinstance(head, tuple) and head[0] in self.predicates:
            self.rename(head)
        for arg in node[1:]:
            if isinstance(arg, tuple):
                self.rename(arg)

    def condition(self, node) -> None:
        self._walk([("c", node)])

    def effect(self, node) -> None:
        self._walk([("e", node)])

    def _walk(self, todo: list) -> None:
        """Conditions ("c") and effects ("e"), with an explicit stack: real
        files nest (and ...) tens of thousands deep."""
        while todo:
            kind, node = todo.pop()
            if not isinstance(node, Node) or not node:
                continue
            if kind == "c":
                self._condition_node(node, todo)
            else:
                self._effect_node(node, todo)

    def _condition_node(self, node: Node, todo: list) -> None:
        head = _word(node[0])
        if head == "and":
            todo.extend(("c", sub) for sub in node[1:])
        elif head in ("or", "imply") and head not in self.predicates:
            self.a.use("disjunctive-preconditions", node[0][1])
            todo.extend(("c", sub) for sub in node[1:])
        elif head == "not":
            inner = node[1] if len(node) > 1 else None
            if not (isinstance(inner, Node) and inner and _word(inner[0]) == "="):
                self.a.use("negative-preconditions", node[0][1])
            todo.extend(("c", sub) for sub in node[1:])
        elif head in ("exists", "forall") and head not in self.predicates:
            flag = "existential-preconditions" if head == "exists" else "universal-preconditions"
            self.a.use(flag, node[0][1])
            if len(node) > 1 and isinstance(node[1], Node):
                self.typed_list(list(node[1]))
            todo.extend(("c", sub) for sub in node[2:])
        elif head == "=":
            if len(node) > 1 and isinstance(node[1], Node):
                self.a.use("numeric-fluents", node[0][1])
                self.numeric(node[1:])
            else:
                self.a.use("equality", node[0][1])
                self.atom(node)
        elif head in _COMPARISONS:
            self.a.use("numeric-fluents", node[0][1])
            self.numeric(node[1:])
        else:
            self.atom(node)

    def numeric(self, items) -> None:
        for item in items:
            if isinstance(item, Node) and item:
                for arg in item[1:]:
                    if isinstance(arg, tuple):
                        self.rename(arg)

    def _effect_node(self, node: Node, todo: list) -> None:
        head = _word(node[0])
        if head == "and":
            todo.extend(("e", sub) for sub in node[1:])
        elif head == "not":
            for sub in node[1:]:
                if isinstance(sub, Node):
                    self.atom(sub)
        elif head == "forall" and head not in self.predicates:
            self.a.use("conditional-effects", node[0][1])
            if len(node) > 1 and isinstance(node[1], Node):
                self.typed_list(list(node[1]))
            todo.extend(("e", sub) for sub in node[2:])
        elif head == "when" and head not in self.predicates:
            self.a.use("conditional-effects", node[0][1])
            if len(node) > 1:
                todo.append(("c", node[1]))
            todo.extend(("e", sub) for sub in node[2:])
        elif head in _NUMERIC_EFFECTS and head not in self.predicates:
            target = node[1] if len(node) > 1 else None
            is_cost = isinstance(target, Node) and len(target) == 1 and \
                _word(target[0]) == "total-cost"
            self.a.use("action-costs" if is_cost and head == "increase" else "numeric-fluents",
                       node[0][1])
            self.numeric(node[1:])
        else:
            self.atom(node)


def _sections(tree: list) -> list[Node]:
    """The sections of the first `(define ...)`: its nodes after the header."""
    for top in tree:
        if isinstance(top, Node) and top and _word(top[0]) == "define":
            return [n for n in top[1:] if isinstance(n, Node)]
    return []


_WORD_END = re.compile(r"[\s()]|$")


def declared_names(masked: str) -> set[str]:
    """The words of a text that fresh names could clash with: every fresh
    name starts with 'kw_', so only those (a regular expression over every
    word of a 4.6 MB rovers problem cost 1.3 s; str.find costs milliseconds)."""
    found: set[str] = set()
    pos = masked.find("kw_")
    while pos >= 0:
        if pos == 0 or masked[pos - 1] in " \t\r\n()?":
            end = _WORD_END.search(masked, pos).start()
            found.add(masked[pos:end])
        pos = masked.find("kw_", pos + 3)
    return found


def domain_predicates(masked: str) -> set[str]:
    """Predicate names declared in a domain's (:predicates ...) section."""
    tree = read_tree(masked)
    out: set[str] = set()
    for sec in _sections(tree or []):
        if sec and _word(sec[0]) == ":predicates":
            out |= {_word(p[0]) for p in sec[1:] if isinstance(p, Node) and p and _word(p[0])}
    return out


def analyse(masked: str, escapes: Escapes, predicates: set[str], is_domain: bool) -> Analysis:
    """Requirement use and rewrites of one file (domain or problem)."""
    a = Analysis()
    tree = read_tree(masked)
    if tree is None:
        return a
    w = _Walker(a, escapes, predicates)
    for sec in _sections(tree):
        key = _word(sec[0]) if sec else None
        rest = list(sec[1:])
        if key == ":requirements":
            a.declared |= {t[0][1:] for t in rest if isinstance(t, tuple)}
        elif key in ("domain", "problem", ":domain"):
            if rest and isinstance(rest[0], tuple):
                w.rename(rest[0])
        elif key == ":types":
            _types_section(rest, a, escapes, w)
        elif key in (":constants", ":objects"):
            w.typed_list(rest)
        elif key == ":predicates":
            for p in rest:
                if isinstance(p, Node) and p:
                    w.rename(p[0])
                    w.typed_list(list(p[1:]))
        elif key == ":functions":
            _functions_section(rest, a, w)
        elif key == ":action":
            _action(rest, a, w)
        elif key == ":derived":
            a.use("derived-predicates", sec[0][1])
            if rest and isinstance(rest[0], Node) and rest[0]:
                w.rename(rest[0][0])
                w.typed_list(list(rest[0][1:]))
            for sub in rest[1:]:
                w.condition(sub)
        elif key == ":goal":
            for sub in rest:
                w.condition(sub)
        elif key == ":metric":
            if any(isinstance(x, Node) and x and _word(x[0]) == "total-cost" for x in rest):
                a.use("action-costs", sec[0][1])
    a.edits.sort()
    return a


def _types_section(items: list, a: Analysis, escapes: Escapes, w: _Walker) -> None:
    """Typed list of types; a type listed again under another parent gets that
    parent as an extra parent, and its later listing becomes a fresh dummy type."""
    groups: list[tuple[list[Token], object]] = []
    names: list[Token] = []
    i = 0
    while i < len(items):
        item = items[i]
        if _word(item) == "-" and i + 1 < len(items):
            a.use("typing", item[1])
            groups.append((names, items[i + 1]))
            names = []
            i += 2
            continue
        if isinstance(item, tuple):
            names.append(item)
        i += 1
    groups.append((names, None))
    first_parent: dict[str, str | None] = {}
    for names, parent in groups:
        parent_word = _word(parent) if parent is not None else None
        if parent is not None:
            w.type_ref(parent)
        for tok in names:
            word = tok[0]
            if word not in first_parent:
                first_parent[word] = parent_word
                if word != "object":
                    w.rename(tok)
                continue
            # FD reads every listing: the type is a subtype of each parent named
            if parent_word is not None and parent_word != first_parent[word] and \
                    parent_word not in a.extra_parents.get(word, []):
                a.extra_parents.setdefault(word, []).append(parent_word)
            # the later listing becomes a fresh type under that parent, which
            # keeps the parent declared for the `pddl` package
            dummy = escapes.fresh("kw_duplicate_type")
            a.dummy_types.add(dummy)
            a.edits.append((tok[1], tok[1] + len(word), dummy))


def _functions_section(items: list, a: Analysis, w: _Walker) -> None:
    i = 0
    while i < len(items):
        item = items[i]
        if isinstance(item, Node) and item:
            head = _word(item[0])
            if head == "total-cost":
                a.use("action-costs", item[0][1])
            else:
                a.use("numeric-fluents", item[0][1])
                w.rename(item[0])
            w.typed_list(list(item[1:]))
        elif _word(item) == "-":
            i += 1  # '- number': the function's value type, not :typing
        i += 1


def _action(items: list, a: Analysis, w: _Walker) -> None:
    if items and isinstance(items[0], tuple):
        w.rename(items[0])
    i = 1
    while i + 1 < len(items):
        key, value = _word(items[i]), items[i + 1]
        if key == ":parameters" and isinstance(value, Node):
            w.typed_list(list(value))
        elif key == ":precondition":
            w.condition(value)
        elif key == ":effect":
            w.effect(value)
        i += 2
