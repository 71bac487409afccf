"""SS310: pip packages installed without a version.

`pip install flask` installs whatever is newest on the day of the build, so two builds of the
same Dockerfile can differ, and a new release can break one. Give a version (`flask==3.1.0`;
any specifier counts), or install from a requirements or constraints file (`-r`, `-c`), a local
path, a wheel or a VCS URL with a ref (`git+https://...@v1.2`). pipx is judged the same way;
packages named by a variable are not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimstage import managers
from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity

# pip install options whose value is the next word.
_PIP_VALUE_OPTIONS = {
    "-b", "--build", "-e", "--editable", "-f", "--find-links", "-i", "--index-url",
    "--extra-index-url", "--abi", "--implementation", "--platform", "--python-version",
    "--no-binary", "--only-binary", "--prefix", "--root", "--src", "-t", "--target",
    "--trusted-host", "--upgrade-strategy", "--progress-bar", "--proxy", "--python",
    "--root-user-action", "--cache-dir", "--log", "--timeout", "--retries", "--cert",
    "--client-cert", "--exists-action", "--config-settings", "-C", "--global-option",
    "--report", "--use-feature", "--use-deprecated", "--keyring-provider",
}  # fmt: skip
FILE_OPTIONS = {"-r", "--requirement", "-c", "--constraint"}
VCS = re.compile(r"^(git|hg|svn|bzr)(\+|:|$)")


def _pinned(package: str) -> bool:
    if VCS.match(package):
        # A ref after @ pins it; the fragment (#egg=name) does not.
        location = package.split("#", 1)[0]
        return "@" in location.split("://", 1)[-1].split("/", 1)[-1]
    if any(mark in package for mark in "=<>") or package.endswith((".whl", ".tar.gz")):
        return True
    return "/" in package or "$" in package


def _unpinned(words: list[str]) -> list[str]:
    args = shell.pip_args(words)
    if args is None:
        stripped = shell.strip_sudo(words)
        if not stripped or stripped[0].rsplit("/", 1)[-1] != "pipx":
            return []
        args = stripped[1:]
    if "install" not in args or "." in args:
        return []
    if any(a in FILE_OPTIONS or a.split("=", 1)[0] in FILE_OPTIONS for a in args):
        return []
    return [p for p in managers.operands(args, "install", _PIP_VALUE_OPTIONS) if not _pinned(p)]


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in (*ctx.dockerfile.instructions, *ctx.triggers):
        if ins.cmd != "RUN":
            continue
        unpinned = [p for words in shell.commands(ins) for p in _unpinned(words)]
        if unpinned:
            yield (
                ins,
                f"pip installs {', '.join(unpinned)} without a version: pin it (name==1.2.3) or "
                "install from a requirements file",
            )


RULE = Rule("SS310", Severity.WARNING, "pip package without a version", check, hadolint=("DL3013",))
