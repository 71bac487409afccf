"""SS101: compilers or development packages installed in the final image.

Compilers, build systems (make, cmake, pkg-config, autoconf, libtool), headers (`-dev`,
`-devel`), debug symbols, documentation and version control clients are needed to build, not to
run (the list, with Debian, Alpine and RPM names: docs/build-only-packages.md). Installed in the
final stage, or in a stage the final stage is built FROM (its layers are the bottom of the
image), they ship with it (hundreds of MB in the seed's single-stage build).
Install them in a builder stage and copy only the result (a virtualenv, wheels) into the final
stage, with the runtime libraries (e.g. libpq5, not libpq-dev).
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage import buildonly
from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity

MANAGERS = {
    "apt-get": "install",
    "apt": "install",
    "apk": "add",
    "yum": "install",
    "dnf": "install",
    "microdnf": "install",
}


def _installed(ins: Instruction) -> list[str]:
    found = []
    for program, sub in MANAGERS.items():
        distro = buildonly.MANAGERS[program]
        for args in shell.invocations(ins, program, sub):
            found += [p for p in shell.packages(args, sub) if buildonly.is_build_only(p, distro)]
    return found


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.shipped("RUN"):
        tools = _installed(ins)
        if tools:
            yield (
                ins,
                (
                    f"build-only packages in the image ({', '.join(tools)}): "
                    "install them in a builder stage and copy only the result"
                ),
            )


RULE = Rule("SS101", Severity.WARNING, "Build tools installed in the image", check)
