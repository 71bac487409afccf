from __future__ import annotations

import io

from slimstage.compare import progress as states
from slimstage.compare.progress import PlainProgress, Row, build_step


def test_build_step_reads_buildkit_step_lines() -> None:
    assert build_step("#7 [builder 3/6] RUN pip install -r req.txt") == (
        "step 3/6 (builder): RUN pip install -r req.txt"
    )
    assert build_step("#5 [2/7] RUN apt-get update") == "step 2/7: RUN apt-get update"
    assert build_step("#9 [final 10/12] COPY --from=builder /opt/venv /opt/venv") == (
        "step 10/12 (final): COPY --from=builder /opt/venv /opt/venv"
    )
    assert build_step("#1 [internal] load build definition from Dockerfile") is None
    assert build_step("#7 0.512 Collecting flask") is None
    assert build_step("#7 DONE 3.2s") is None


def test_plain_progress_writes_one_plain_line_per_state_change() -> None:
    out = io.StringIO()
    plain = PlainProgress(["a", "b"], out=out)
    plain.state("a", states.BUILDING)
    plain.build_line("a", "#5 [2/7] RUN make")  # not shown without verbose
    plain.state("a", states.SMOKE, "GET / on 5000/tcp")
    plain.state("a", states.DONE)
    plain.note("build logs in /tmp/x/")
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["compare: a: building", "compare: a: smoke test (GET / on 5000/tcp)"]
    assert lines[2].startswith("compare: a: done after ")
    assert lines[2].endswith("s")
    assert lines[3] == "compare: build logs in /tmp/x/"
    assert "\x1b" not in out.getvalue()


def test_verbose_streams_every_build_line() -> None:
    out = io.StringIO()
    plain = PlainProgress(["a"], verbose=True, out=out)
    plain.build_line("a", "#7 0.512 Collecting flask")
    assert out.getvalue() == "[a] #7 0.512 Collecting flask\n"


def test_a_row_times_from_its_first_work_to_its_end() -> None:
    row = Row("a")
    assert row.elapsed(100.0) == 0.0
    row.move(states.QUEUED, "", 1.0)
    assert row.started is None
    row.move(states.BUILDING, "", 2.0)
    assert row.elapsed(5.0) == 3.0
    row.move(states.FAILED, "build failed", 7.0)
    assert (row.elapsed(100.0), row.state, row.detail) == (5.0, states.FAILED, "build failed")
