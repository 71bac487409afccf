from __future__ import annotations

from slimstage.dockerfile import Instruction, parse
from slimstage.lint.mounts import Mount, kept_out, mounts


def _run(flags: str) -> Instruction:
    return parse(f"FROM debian:12\nRUN {flags} true\n").stages[0].instructions[0]


def test_mount_fields_and_defaults() -> None:
    ins = _run(
        "--mount=type=cache,target=/var/cache/apt/ --mount=type=secret,id=x,dst=/run/s "
        "--mount=source=.,destination=/src --network=none"
    )
    assert mounts(ins) == [
        Mount("cache", "/var/cache/apt"),
        Mount("secret", "/run/s"),
        Mount("bind", "/src"),
    ]


def test_cache_and_tmpfs_keep_paths_under_their_target_out_of_the_layer() -> None:
    ins = _run("--mount=type=cache,target=/var/lib/apt --mount=type=tmpfs,target=/tmp")
    assert kept_out(ins, "/var/lib/apt/lists")
    assert kept_out(ins, "/var/lib/apt")
    assert kept_out(ins, "/tmp/")
    assert not kept_out(ins, "/var/lib/aptitude")  # a prefix of the name is not a parent
    assert not kept_out(ins, "/var/cache/apt")


def test_bind_and_secret_mounts_keep_nothing_out() -> None:
    ins = _run("--mount=type=bind,target=/var/cache/apt --mount=type=secret,target=/root/.cache")
    assert not kept_out(ins, "/var/cache/apt/archives")
    assert not kept_out(ins, "/root/.cache/pip")


def test_a_mount_after_another_flag_and_a_target_holding_equals() -> None:
    ins = _run("--network=host --mount=type=cache,target=/opt/a=b,id=pip=3")
    assert mounts(ins) == [Mount("cache", "/opt/a=b")]


def test_a_cache_on_the_root_keeps_everything_out() -> None:
    assert kept_out(_run("--mount=type=cache,target=/"), "/var/cache/apt")


def test_only_whole_path_components_are_under_a_target() -> None:
    ins = _run("--mount=type=cache,target=/srv/X --mount=type=tmpfs,target=/opt")
    assert kept_out(ins, "/srv/X/file")
    assert not kept_out(ins, "/srv/Y")
    assert not kept_out(ins, "/optX")
