"""Which ARG and ENV names a RUN sees, asked name by name.

A RUN sees the ARG and ENV names its stage declared before it, and the ENV names of every stage
its stage is built FROM (they are in that image); ARGs do not carry over. Copying the sets from
stage to stage, or from one ENV to the next, is quadratic in a long FROM chain or a long stage;
here each answer is a dictionary lookup and a binary search, whatever the Dockerfile's shape.
"""

from __future__ import annotations

import bisect
import re

from slimstage.dockerfile import Dockerfile, Instruction

# BuildKit passes these build arguments to every RUN without an ARG instruction.
PROXY_ARGS = frozenset(
    {
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "FTP_PROXY",
        "ftp_proxy",
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
    }
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_REFERENCE = re.compile(r"\$\{?[#!]?([A-Za-z_][A-Za-z0-9_]*)")


def declared(ins: Instruction) -> list[str]:
    """The names an ARG or ENV instruction declares."""
    if ins.cmd == "ARG":
        names = [word.split("=", 1)[0] for word in ins.value]
    elif ins.cmd == "ENV":
        names = list(ins.value[0::2])
    else:
        return []
    return [name for name in names if _NAME.fullmatch(name)]


def referenced(script: str) -> set[str]:
    """The variable names a shell script mentions ($NAME, ${NAME...})."""
    return set(_REFERENCE.findall(script))


def _numbering(parents: list[int]) -> tuple[list[int], list[int]]:
    """Number the stages depth-first along FROM <stage> links (PARENTS: -1 for none): the
    stages built, directly or not, on stage S are then those numbered in (enter[S], leave[S]]."""
    enter = [0] * len(parents)
    leave = [0] * len(parents)
    children: list[list[int]] = [[] for _ in parents]
    for child, parent in enumerate(parents):
        if parent >= 0:
            children[parent].append(child)
    counter = 0
    for root in (i for i, parent in enumerate(parents) if parent < 0):
        todo = [(root, False)]
        while todo:
            index, done = todo.pop()
            if done:
                leave[index] = counter
                continue
            counter += 1
            enter[index] = counter
            todo.append((index, True))
            todo.extend((child, False) for child in reversed(children[index]))
    return enter, leave


class Scopes:
    def __init__(self, df: Dockerfile) -> None:
        parents = []
        for stage in df.stages:
            parent = df.stage_named(stage.base)
            parents.append(parent.index if parent and parent.index < stage.index else -1)
        self._enter, leave = _numbering(parents)
        # Per stage, where each name is first declared; per ENV name, the stages that see it.
        self._first: list[dict[str, int]] = []
        spans: dict[str, list[tuple[int, int]]] = {}
        for stage in df.stages:
            first: dict[str, int] = {}
            span = (self._enter[stage.index], leave[stage.index])
            for position, ins in enumerate(stage.instructions):
                for name in declared(ins):
                    first.setdefault(name, position)
                    if ins.cmd == "ENV":
                        spans.setdefault(name, []).append(span)
            self._first.append(first)
        self._inherited = {name: _outermost(found) for name, found in spans.items()}

    def visible(self, name: str, stage: int, position: int) -> bool:
        """Whether the instruction at POSITION in STAGE sees NAME declared."""
        if name in PROXY_ARGS:
            return True
        first = self._first[stage].get(name)
        if first is not None and first < position:
            return True
        spans = self._inherited.get(name)
        if not spans:
            return False
        at = self._enter[stage]
        index = bisect.bisect_left(spans, (at, -1)) - 1
        return index >= 0 and spans[index][0] < at <= spans[index][1]


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Nested or disjoint spans (start, end], reduced to the outermost ones, sorted."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if out and start < out[-1][1]:
            continue  # inside the previous one
        out.append((start, end))
    return out
