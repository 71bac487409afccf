"""Image surveys for tests, as the probe would report them, without an engine."""

from __future__ import annotations

from typing import Any

from slimstage.optimize.survey import ImageSurvey, parse


def package(
    depends: tuple[str, ...] = (),
    libs: tuple[str, ...] = (),
    programs: tuple[str, ...] = (),
    essential: bool = False,
) -> dict[str, Any]:
    return {
        "depends": list(depends),
        "essential": essential,
        "size_kb": 100,
        "libs": list(libs),
        "programs": list(programs),
    }


def image(
    packages: dict[str, dict[str, Any]],
    *,
    needs: list[tuple[str, str, str | None, bool]] | None = None,
    library_files: tuple[str, ...] = (),
    manager: str | None = "dpkg",
    tools: tuple[str, ...] = ("sh", "useradd"),
) -> ImageSurvey:
    """NEEDS: (file in the venv, soname, owning package, bundled)."""
    venv = None
    if needs is not None:
        by_file: dict[str, list[dict[str, Any]]] = {}
        for file, soname, owner, bundled in needs:
            path = None if bundled or owner is None else f"/usr/lib/x86_64-linux-gnu/{soname}"
            by_file.setdefault(file, []).append(
                {"soname": soname, "bundled": bundled, "path": path, "package": owner}
            )
        venv = [{"file": f, "needs": n} for f, n in by_file.items()]
    return parse(
        {
            "interpreter": {
                "version": "3.13.5",
                "executable": "/usr/bin/python3.13",
                "os": "debian",
                "codename": "trixie",
            },
            "tools": {t: t in tools for t in ("sh", "useradd", "adduser")},
            "manager": manager,
            "packages": packages,
            "library_files": list(library_files),
            "venv": venv,
        }
    )
