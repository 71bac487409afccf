from __future__ import annotations

from pathlib import Path

from slimstage.compare.buildlog import TAIL_LINES, BuildLogs, file_name, tail


def test_tail_drops_lines_that_say_nothing_and_keeps_the_last_ones() -> None:
    log = "\n".join(
        [
            "#1 [internal] load build definition",
            "#1 sha256:0123abcd",
            "#1 DONE 0.1s",
            "#2 CACHED",
            "",
            *(f"#7 line {n}" for n in range(40)),
            "#7 ERROR: process did not complete successfully: exit code: 7",
        ]
    )
    kept = tail(log)
    assert len(kept) == TAIL_LINES == 30
    assert kept[-1].endswith("exit code: 7")
    assert kept[0] == "#7 line 11"
    assert tail(log, 2) == ["#7 line 39", kept[-1]]
    assert tail("#1 [internal] load\n#1 DONE 0.1s\n#1 sha256:ff") == ["#1 [internal] load"]


def test_file_names_are_safe() -> None:
    assert file_name("multistage-venv") == "multistage-venv.log"
    assert file_name("../../etc/passwd") == "-..-etc-passwd.log"  # no slash, no leading dot
    assert file_name("a b/c") == "a-b-c.log"
    assert file_name("..") == "variant.log"


def test_each_variant_gets_one_file_with_both_builds(tmp_path: Path) -> None:
    logs = BuildLogs(tmp_path / "logs", "run1")
    seen: list[str] = []
    cold = logs.writer("venv", "cold build", seen.append)
    cold("#1 step one")
    warm = logs.writer("venv", "warm rebuild", seen.append)
    warm("#2 step two")
    assert logs.path("venv") == tmp_path / "logs" / "venv.log"
    assert logs.path("venv").read_text() == (
        "=== cold build\n#1 step one\n=== warm rebuild\n#2 step two\n"
    )
    assert seen == ["#1 step one", "#2 step two"]


def test_the_default_folder_is_new_and_named_after_the_run() -> None:
    logs = BuildLogs(None, "abc123")
    try:
        assert logs.folder.name == "slimstage-compare-abc123"
        assert logs.folder.is_dir()
    finally:
        logs.folder.rmdir()
