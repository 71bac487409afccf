"""Sidecars: services an app needs during its smoke test (a database), on a network of their own.

`running()` creates one network, starts every sidecar on it under its name (so the app reaches
PostgreSQL as host `postgres`), waits until each is ready, and removes all of it afterwards.
The built-in `postgres` sidecar uses slimstage's own PostgreSQL image, built once from Debian's
package on the Debian base the engine has (a stand-in where no registry is reachable) and kept,
like the stand-in bases, as a labelled cache.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from slimstage.bases.catalog import DEFAULT_RELEASE, LABEL_BUILT_FROM
from slimstage.compare.smokespec import POSTGRES, Sidecar
from slimstage.engineapi import ContainerEngine, RunningContainer, RunSpec
from slimstage.errors import BaseImageMissing, SlimstageError, UsageError

LABEL_SIDECAR = "org.slimstage.sidecar"
POSTGRES_BASE = f"debian:{DEFAULT_RELEASE}-slim"
POSTGRES_IMAGE = f"slimstage/postgres:{DEFAULT_RELEASE}"
_POLL_SECONDS = 0.25

POSTGRES_DOCKERFILE = f"""\
# PostgreSQL for smoke tests, from Debian's own package on the Debian base this engine has.
# Trust authentication: the server lives on one run's private network, for that run only.
FROM {POSTGRES_BASE}
# No cluster from the package's post-install (initdb below makes the one used), and no attempt
# to start a service during the build.
RUN mkdir -p /etc/postgresql-common \\
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \\
 && printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d \\
 && apt-get update \\
 && apt-get install -y --no-install-recommends postgresql \\
 && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d \\
 && ln -s /usr/lib/postgresql/*/bin /usr/lib/postgresql/bin
ENV PATH=/usr/lib/postgresql/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
RUN initdb --username=postgres --auth=trust --encoding=UTF8 "$PGDATA" \\
 && echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf" \\
 && echo "host all all all trust" >> "$PGDATA/pg_hba.conf"
EXPOSE 5432
# SIGINT: PostgreSQL's fast shutdown.
STOPSIGNAL SIGINT
CMD ["postgres"]
"""


def builtin(name: str) -> Sidecar:
    """The sidecar `--with NAME` names when no [compare.sidecars.NAME] table defines it."""
    if name != POSTGRES:
        raise UsageError(
            f"--with {name}: no such sidecar (built in: {POSTGRES}; others are defined in "
            f"[compare.sidecars.{name}] of .slimstage.toml)"
        )
    ready = ("pg_isready", "--host=127.0.0.1", "--port=5432", "--username=postgres")
    return Sidecar(POSTGRES, POSTGRES_IMAGE, ready=ready, builtin=POSTGRES)


def ensure_image(
    engine: ContainerEngine, car: Sidecar, on_line: Callable[[str], None] | None = None
) -> None:
    """Make sure CAR's image is on the engine: build the built-in one when it is missing."""
    if engine.inspect_image(car.image) is not None:
        return
    if car.builtin != POSTGRES or car.image != POSTGRES_IMAGE:
        raise UsageError(
            f"sidecar {car.name}: image {car.image} is not on the engine",
            fix="pull it, or load it with `docker load`",
        )
    if engine.inspect_image(POSTGRES_BASE) is None:
        raise BaseImageMissing(
            f"sidecar {car.name}: {POSTGRES_BASE} is needed to build {POSTGRES_IMAGE}",
            fix="run `slimstage base build`",
        )
    with tempfile.TemporaryDirectory(prefix="slimstage-postgres-") as tmp:
        dockerfile = Path(tmp) / "Dockerfile"
        dockerfile.write_text(POSTGRES_DOCKERFILE)
        labels = {LABEL_SIDECAR: POSTGRES, LABEL_BUILT_FROM: POSTGRES_BASE}
        engine.build(
            dockerfile=dockerfile, context=Path(tmp), tag=car.image, labels=labels, on_line=on_line
        )


def wait_ready(car: Sidecar, box: RunningContainer) -> None:
    """Return once CAR answers its readiness command; raise when it exits or times out."""
    deadline = time.monotonic() + car.ready_timeout
    last = ""
    while car.ready:
        result = box.exec(list(car.ready), timeout=max(1.0, deadline - time.monotonic()))
        if result.returncode == 0:
            return
        last = (result.stderr.strip() or result.stdout.strip())[-300:]
        state = box.state()
        if not state.get("Running", False):
            code = state.get("ExitCode")
            raise SlimstageError(f"sidecar {car.name} exited ({code}): {box.logs()[-500:]}")
        if time.monotonic() >= deadline:
            raise SlimstageError(
                f"sidecar {car.name} not ready within {car.ready_timeout:g}s: {last}"
            )
        time.sleep(_POLL_SECONDS)


@contextmanager
def running(
    engine: ContainerEngine,
    sidecars: Sequence[Sidecar],
    labels: Mapping[str, str],
    on_line: Callable[[str], None] | None = None,
) -> Iterator[str]:
    """A new network with SIDECARS started and ready on it; yields the network's name."""
    with engine.network(labels) as network, ExitStack() as started:
        boxes = []
        for car in sidecars:
            ensure_image(engine, car, on_line)
            spec = RunSpec(
                car.image,
                labels=labels,
                env=dict(car.env),
                network=network,
                network_aliases=[car.name],
            )
            boxes.append((car, started.enter_context(engine.container(spec))))
        for car, box in boxes:
            wait_ready(car, box)
        yield network
