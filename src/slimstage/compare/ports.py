"""Which port a smoke test talks to when none is given.

The Dockerfile says it best: the first TCP port an `EXPOSE` names in the final stage's chain
(the stage the final one is built FROM comes first, then the final stage), read through the
Dockerfile model with the stage's ARG and ENV values. The image config keeps exposed ports as a
set, so the order of EXPOSE lines is lost there; the image's lowest TCP port is the fallback
(ports that only the external base image exposes, or a Dockerfile that does not parse).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from slimstage.buildargs import declare, expand
from slimstage.dockerfile import Dockerfile, Instruction
from slimstage.errors import SlimstageError

_PORT = re.compile(r"(?P<number>\d+)(?:-\d+)?(?:/(?P<proto>[a-z]+))?")


def tcp_port(word: str) -> str | None:
    """'5000', '5000/tcp' or '5000-5010' as '5000/tcp'; None for UDP/SCTP or anything else."""
    match = _PORT.fullmatch(word.strip().lower())
    if match is None or match.group("proto") not in (None, "tcp"):
        return None
    number = int(match.group("number"))
    return f"{number}/tcp" if 0 < number < 1 << 16 else None


def port_number(port: str) -> int:
    return int(port.split("/")[0])


def lowest_exposed(image_config: Mapping[str, object]) -> str | None:
    """The lowest TCP port number the image exposes, as '5000/tcp', or None."""
    ports = image_config.get("ExposedPorts")
    if not isinstance(ports, dict):
        return None
    found = [port for name in ports if (port := tcp_port(str(name))) is not None]
    return min(found, key=port_number) if found else None


def _learn(ins: Instruction, values: dict[str, str], build_args: Mapping[str, str]) -> None:
    """Record the variables an ARG or ENV instruction sets, as later lines of the stage see them."""
    if ins.cmd == "ARG":
        declare(ins.value, values, build_args)
    elif ins.cmd == "ENV":
        words = list(ins.value)
        for name, value in zip(words[::2], words[1::2], strict=False):
            values[name] = expand(value, values)[0]


def first_exposed(
    parsed: Dockerfile, target: str | None, build_args: Mapping[str, str] | None = None
) -> str | None:
    """The first TCP port EXPOSEd in the chain of stages the image is made of, or None."""
    given = dict(build_args or {})
    try:
        chain = list(reversed(parsed.lineage(parsed.final(target), given)))
    except SlimstageError:  # --target names no stage of this file
        return None
    values = parsed.arg_values(given)
    for stage in chain:
        for ins in stage.instructions:
            _learn(ins, values, given)
            if ins.cmd != "EXPOSE":
                continue
            for word in ins.value:
                text, unset = expand(word, values)
                port = None if unset else tcp_port(text)
                if port is not None:
                    return port
    return None


def default_port(dockerfile_port: str | None, image_config: Mapping[str, object]) -> str | None:
    return dockerfile_port or lowest_exposed(image_config)
