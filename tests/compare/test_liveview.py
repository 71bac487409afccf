from __future__ import annotations

import io

from rich.console import Console

from slimstage.compare import progress as states
from slimstage.compare.liveview import LiveProgress


def _console(out: io.StringIO, *, terminal: bool) -> Console:
    return Console(file=out, width=120, force_terminal=terminal, color_system=None)


def test_the_table_shows_each_variants_state_step_and_size() -> None:
    live = LiveProgress(["Dockerfile", "venv"], _console(io.StringIO(), terminal=False))
    live.state("Dockerfile", states.BUILDING)
    live.build_line("Dockerfile", "#7 [builder 3/6] RUN pip install -r req.txt")
    live.build_line("Dockerfile", "#7 0.51 Collecting flask")  # not a step: the step stays
    live.size("Dockerfile", "526.0MB")
    live.build_line("nobody", "#1 [1/1] FROM x")  # unknown variants are ignored
    out = io.StringIO()
    _console(out, terminal=False).print(live.render())
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["variant", "state", "size", "time", "detail"]
    first = lines[1]
    assert first.split()[:4] == ["Dockerfile", "building", "526.0MB", first.split()[3]]
    assert first.split()[3].endswith("s")
    assert "step 3/6 (builder): RUN pip install -r req.txt" in first
    assert lines[2].split() == ["venv", "queued"]


def test_on_a_terminal_it_draws_in_place_and_leaves_the_table() -> None:
    out = io.StringIO()
    with LiveProgress(["a"], _console(out, terminal=True)) as live:
        live.note("build logs in /tmp/x/")
        live.state("a", states.DONE)
    text = out.getvalue()
    assert "\x1b[" in text  # cursor movement: the table is redrawn in place
    assert "compare: build logs in /tmp/x/" in text
    last = [line for line in text.splitlines() if line.strip().startswith("a ")][-1]
    assert last.split()[:2] == ["a", "done"]


def test_on_a_narrow_terminal_only_the_detail_gives_way() -> None:
    out = io.StringIO()
    narrow = Console(file=out, width=60, color_system=None)
    live = LiveProgress(["multistage-runtime", "newmultistage"], narrow)
    live.state("multistage-runtime", states.WARM)
    live.build_line("multistage-runtime", "#9 [builder 2/7] RUN apt-get update && apt-get install")
    live.size("multistage-runtime", "526.0MB")
    narrow.print(live.render())
    first = out.getvalue().splitlines()[1]
    words = first.split()
    assert words[:4] == ["multistage-runtime", "warm", "rebuild", "526.0MB"]
    assert words[4].endswith("s")
    assert first.rstrip().endswith("…")
    assert len(first.rstrip()) <= 60
