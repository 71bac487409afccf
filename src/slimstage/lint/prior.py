"""What is already in place when an instruction runs, asked without walking everything before it.

`Context.before(ins)` yields every instruction of the stage's lineage before INS; a rule that asks
it for each RUN of a long stage is quadratic (a 1 MB single-stage file took half a minute). The
rules ask narrow questions — the first RUN before INS that removes docker-clean, the last SHELL,
the last ENV that sets PIP_NO_CACHE_DIR — and `Prior` answers them from per-stage lists of the
instructions that pass a test, with binary search, and remembers the answer for a stage's whole
lineage. Tests are functions that are looked up by identity: pass the same function each time
(a module-level one, or `Prior.assigns(name)`).

The order is `before`'s: the stages of the lineage base first, each in line order, then, for an
ONBUILD trigger, the triggers of its stage written before it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from slimstage.dockerfile import Dockerfile, Instruction, Stage
from slimstage.onbuild import Trigger

Test = Callable[[Instruction], bool]


class Lineages(Mapping[int, tuple[Stage, ...]]):
    """Per stage index, the stages it is made of, base first; computed for the stages asked."""

    def __init__(self, df: Dockerfile) -> None:
        self._df = df
        self._known: dict[int, tuple[Stage, ...]] = {}

    def __getitem__(self, index: int) -> tuple[Stage, ...]:
        if not 0 <= index < len(self._df.stages):
            raise KeyError(index)
        if index not in self._known:
            self._known[index] = tuple(reversed(self._df.lineage(self._df.stages[index])))
        return self._known[index]

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self._df.stages)))

    def __len__(self) -> int:
        return len(self._df.stages)


@dataclass
class Prior:
    df: Dockerfile
    triggers: tuple[Trigger, ...]
    _matches: dict[tuple[int, Test, bool], list[Instruction]] = field(default_factory=dict)
    _lines: dict[tuple[int, Test, bool], list[int]] = field(default_factory=dict)
    _first: dict[tuple[int, Test], Instruction | None] = field(default_factory=dict)
    _last: dict[tuple[int, Test], Instruction | None] = field(default_factory=dict)
    _tests: dict[tuple[str, str], Test] = field(default_factory=dict)

    def _matching(self, stage: int, test: Test, triggers: bool = False) -> list[Instruction]:
        key = (stage, test, triggers)
        if key not in self._matches:
            pool: tuple[Instruction, ...] | list[Instruction] = (
                [t for t in self.triggers if t.stage == stage]
                if triggers
                else self.df.stages[stage].instructions
            )
            self._matches[key] = [ins for ins in pool if test(ins)]
            self._lines[key] = [ins.line for ins in self._matches[key]]
        return self._matches[key]

    def _upto(self, stage: int, test: Test, line: int, triggers: bool = False) -> int:
        """How many of the stage's matches (or its triggers' matches) come before LINE."""
        self._matching(stage, test, triggers)
        return bisect.bisect_left(self._lines[(stage, test, triggers)], line)

    def _parent(self, stage: int) -> int | None:
        parent = self.df.parent(self.df.stages[stage])
        return parent.index if parent is not None else None

    def _lineage_answer(
        self, stage: int | None, test: Test, memo: dict[tuple[int, Test], Instruction | None],
        pick: Callable[[list[Instruction]], Instruction | None], base_first: bool,
    ) -> Instruction | None:  # fmt: skip
        """The first (or last) match in the lineage ending at STAGE, all of its stages whole;
        each stage's answer is worked out once."""
        walked: list[int] = []
        while stage is not None and (stage, test) not in memo:
            walked.append(stage)
            stage = self._parent(stage)
        answer = memo[(stage, test)] if stage is not None else None
        for index in reversed(walked):  # base first
            own = pick(self._matching(index, test))
            if own is not None and (answer is None or not base_first):
                answer = own
            memo[(index, test)] = answer
        return answer

    def first_before(self, ins: Instruction, test: Test) -> Instruction | None:
        """The first instruction `before(ins)` yields that passes TEST."""
        if ins.stage < 0:
            return None
        found = self._lineage_answer(
            self._parent(ins.stage), test, self._first, lambda m: m[0] if m else None, True
        )
        if found is not None:
            return found
        trigger = isinstance(ins, Trigger)
        own = self._matching(ins.stage, test)
        if own and (trigger or self._upto(ins.stage, test, ins.line)):
            return own[0]
        if trigger and self._upto(ins.stage, test, ins.line, triggers=True):
            return self._matching(ins.stage, test, triggers=True)[0]
        return None

    def last_before(
        self, ins: Instruction, test: Test, own_stage: bool = False
    ) -> Instruction | None:
        """The last instruction `before(ins)` yields that passes TEST (only those of INS's own
        stage, triggers included, with OWN_STAGE)."""
        if ins.stage < 0:
            return None
        if isinstance(ins, Trigger):
            count = self._upto(ins.stage, test, ins.line, triggers=True)
            if count:
                return self._matching(ins.stage, test, triggers=True)[count - 1]
            own = self._matching(ins.stage, test)
            if own:
                return own[-1]
        else:
            count = self._upto(ins.stage, test, ins.line)
            if count:
                return self._matching(ins.stage, test)[count - 1]
        if own_stage:
            return None
        return self._lineage_answer(
            self._parent(ins.stage), test, self._last, lambda m: m[-1] if m else None, False
        )

    def test(self, kind: str, name: str) -> Test:
        """The one test function for KIND ("env": an ENV that sets NAME; "arg": an ARG that
        declares NAME; "arg-default": one that gives it a default) and NAME."""
        key = (kind, name)
        if key not in self._tests:
            self._tests[key] = _make_test(kind, name)
        return self._tests[key]


def _make_test(kind: str, name: str) -> Test:
    def env(ins: Instruction) -> bool:
        return ins.cmd == "ENV" and name in ins.value[0::2]

    def arg(ins: Instruction) -> bool:
        return ins.cmd == "ARG" and any(w.partition("=")[0] == name for w in ins.value)

    def arg_default(ins: Instruction) -> bool:
        return ins.cmd == "ARG" and any(w.partition("=")[:2] == (name, "=") for w in ins.value)

    return {"env": env, "arg": arg, "arg-default": arg_default}[kind]
