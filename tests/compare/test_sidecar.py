from __future__ import annotations

from pathlib import Path

import pytest

from slimstage.compare import sidecar
from slimstage.compare.sidecar import (
    LABEL_SIDECAR,
    POSTGRES_IMAGE,
    builtin,
    ensure_image,
    running,
    wait_ready,
)
from slimstage.compare.smokespec import Sidecar
from slimstage.engine import Engine, RunSpec
from slimstage.errors import BaseImageMissing, SlimstageError, UsageError
from tests.conftest import Sweeper
from tests.fakeengine import FakeContainer, FakeEngine


def test_postgres_is_built_in_and_other_names_say_how_to_define_them() -> None:
    postgres = builtin("postgres")
    assert (postgres.name, postgres.image, postgres.builtin) == (
        "postgres",
        POSTGRES_IMAGE,
        "postgres",
    )
    assert postgres.ready[0] == "pg_isready"
    with pytest.raises(UsageError, match=r"\[compare.sidecars.redis\]"):
        builtin("redis")


def test_the_postgres_image_is_built_once_when_missing(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, present={"debian:trixie-slim"})
    ensure_image(engine, builtin("postgres"))
    [build] = engine.builds
    assert build["tag"] == POSTGRES_IMAGE
    assert build["dockerfile"] == "Dockerfile"
    ensure_image(engine, builtin("postgres"))  # now present: not built again
    assert len(engine.builds) == 1


def test_what_cannot_be_made_is_an_error_with_a_fix(tmp_path: Path) -> None:
    with pytest.raises(BaseImageMissing, match="debian:trixie-slim is needed"):
        ensure_image(FakeEngine(tmp_path, present=set()), builtin("postgres"))
    with pytest.raises(UsageError, match="image redis:7 is not on the engine") as info:
        ensure_image(FakeEngine(tmp_path), Sidecar("cache", "redis:7"))
    assert info.value.fix == "pull it, or load it with `docker load`"


def test_wait_ready_retries_until_the_check_passes(tmp_path: Path) -> None:
    box = FakeContainer("s1", RunSpec("db:1"), exec_code=1)
    car = Sidecar("db", "db:1", ready=("check",), ready_timeout=0.3)
    with pytest.raises(SlimstageError, match=r"sidecar db not ready within 0\.3s: no"):
        wait_ready(car, box)
    assert len(box.execs) >= 2
    box.exit_code = 5
    with pytest.raises(SlimstageError, match=r"sidecar db exited \(5\): app log line"):
        wait_ready(car, box)
    wait_ready(Sidecar("db", "db:1"), box)  # no check: ready once started


def test_running_starts_each_under_its_name_and_removes_everything(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, present={"a:1", "b:1"})
    cars = [Sidecar("a", "a:1", env=(("K", "v"),), ready=("ok",)), Sidecar("b", "b:1")]
    with running(engine, cars, {"run": "1"}) as network:
        assert engine.networks == [network]
        a, b = engine.started
        assert (a.network, list(a.network_aliases), a.env) == (network, ["a"], {"K": "v"})
        assert (b.network, list(b.network_aliases)) == (network, ["b"])
    assert engine.networks == []
    assert all(box.removed for box in engine.containers)


@pytest.mark.engine
def test_the_postgres_sidecar_answers_by_name_on_its_network(
    engine: Engine, sweeper: Sweeper
) -> None:
    with running(engine, [builtin("postgres")], sweeper.labels) as network:
        check = RunSpec(
            POSTGRES_IMAGE,
            labels=sweeper.labels,
            command=["psql", "--host=postgres", "--username=postgres", "-tAc", "SELECT 40 + 2"],
            network=network,
        )
        result = engine.run_once(check, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "42"
    assert engine.image_labels(POSTGRES_IMAGE)[LABEL_SIDECAR] == "postgres"
    assert engine.containers_with_label(f"org.slimstage.test={sweeper.run}") == []
    assert sidecar.POSTGRES_BASE in engine.image_labels(POSTGRES_IMAGE).values()
