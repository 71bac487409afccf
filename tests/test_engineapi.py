from __future__ import annotations

from slimstage.engineapi import LABEL, RunSpec


def test_run_words_carry_every_setting_in_docker_run_order() -> None:
    spec = RunSpec(
        "img:1",
        labels={"run": "7"},
        command=["-c", "print(1)"],
        publish=["127.0.0.1::8000"],
        env={"A": "1"},
        network="container:abc",
        network_aliases=["db"],
        user="65532",
        entrypoint="python3",
    )
    assert spec.words("--detach") == [
        *("run", "--detach", "--label", f"{LABEL}=true", "--label", "run=7"),
        *("--publish", "127.0.0.1::8000", "--env", "A=1", "--network", "container:abc"),
        *("--network-alias", "db", "--user", "65532", "--entrypoint", "python3"),
        *("img:1", "-c", "print(1)"),
    ]


def test_an_empty_entrypoint_is_passed_and_nothing_else_is_added() -> None:
    assert RunSpec("img:1", entrypoint="").words("--rm") == [
        *("run", "--rm", "--label", f"{LABEL}=true", "--entrypoint", "", "img:1"),
    ]
