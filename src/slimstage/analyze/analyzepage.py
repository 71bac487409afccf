"""`analyze --html FILE`: one image's analysis as a self-contained page (slimstage.htmlpage).

A treemap of the final filesystem's bytes by package (OS and Python) and, for files no package
owns, by folder; the waste by cause; the layers; leftovers and the largest files. Paths,
package names and layer commands come from the image: every one of them is escaped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from slimstage import htmlpage, treemap
from slimstage.analyze.analysis import Analysis
from slimstage.analyze.secrets import Secret
from slimstage.htmlpage import GREY, PALETTE, BarPiece, esc
from slimstage.units import human_bytes

MANAGER_COLORS = {"dpkg": PALETTE[1], "apk": PALETTE[5], "python": PALETTE[0]}
#: Tiles drawn: the rest are summed into one "everything else" tile.
MAX_TILES = 150


def folder_of(path: str, depth: int = 2) -> str:
    """'/usr/lib/x/y.so' -> '/usr/lib': where an unowned file is, for the treemap."""
    parts = [p for p in path.split("/") if p][:-1]
    return "/" + "/".join(parts[:depth]) if parts else "/"


def unowned_folders(files: Mapping[str, tuple[int, str | None]]) -> dict[str, int]:
    """Bytes of files no package owns, by folder; FILES maps path -> (size, owner)."""
    out: dict[str, int] = {}
    for path, (size, owner) in files.items():
        if owner is None and size:
            folder = folder_of("/" + path.lstrip("/"))
            out[folder] = out.get(folder, 0) + size
    return out


def tiles(a: Analysis, folders: Mapping[str, int] | None) -> list[treemap.Tile]:
    found = [
        treemap.Tile(
            o.name,
            o.bytes,
            MANAGER_COLORS.get(o.manager, GREY),
            f"{o.name} ({o.manager}): {human_bytes(o.bytes)}, {o.files} files",
        )
        for o in a.packages.os + a.packages.python
    ]
    if folders:
        found += [
            treemap.Tile(f"{name}/", size, GREY, f"no package, under {name}/: {human_bytes(size)}")
            for name, size in folders.items()
        ]
    elif a.packages.unowned_bytes:
        size = a.packages.unowned_bytes
        found.append(treemap.Tile("(no package)", size, GREY, f"no package: {human_bytes(size)}"))
    found.sort(key=lambda t: -t.value)
    if len(found) > MAX_TILES:
        rest = sum(t.value for t in found[MAX_TILES:])
        found = [
            *found[:MAX_TILES],
            treemap.Tile(
                "(the rest)", rest, GREY, f"{len(found) - MAX_TILES} more: {human_bytes(int(rest))}"
            ),
        ]
    return found


def _waste(a: Analysis) -> str:
    causes = dataclasses.asdict(a.waste)
    rows = [
        (
            cause.replace("_", " "),
            [BarPiece(n, PALETTE[5], f"{cause}: {human_bytes(n)}")],
            human_bytes(n),
        )
        for cause, n in causes.items()
    ]
    return htmlpage.bars("waste", rows, "Bytes stored in layers but hidden in the image, by cause")


def _layers(a: Analysis) -> str:
    rows = [
        (
            f"layer {item.index}",
            [
                BarPiece(
                    item.size_bytes,
                    PALETTE[0],
                    f"{human_bytes(item.size_bytes)} — {item.created_by}",
                )
            ],
            human_bytes(item.size_bytes),
        )
        for item in a.layers
    ]
    table = htmlpage.table(
        ("#", "size", "added", "modified", "deleted", "created by"),
        [
            [
                esc(i.index),
                esc(human_bytes(i.size_bytes)),
                esc(i.files_added),
                esc(i.files_modified),
                esc(i.files_deleted),
                f"<code>{esc(i.created_by)}</code>",
            ]
            for i in a.layers
        ],
        numeric={0, 1, 2, 3, 4},
    )
    return htmlpage.bars("layer-sizes", rows, "File bytes each layer stores") + table


def _secret_place(secret: Secret) -> str:
    if secret.where != "file":
        return f"image {secret.where}"
    layer = "" if secret.layer is None else f"layer {secret.layer}, "
    return layer + ("still in the image" if secret.visible else "deleted later, still in the layer")


def _lists(a: Analysis) -> str:
    leftovers = htmlpage.table(
        ("category", "bytes", "files", "largest"),
        [
            [
                esc(lo.category),
                esc(human_bytes(lo.bytes)),
                esc(lo.files),
                f"<code>{esc(lo.examples[0] if lo.examples else '')}</code>",
            ]
            for lo in a.leftovers
        ],
        numeric={1, 2},
    )
    top = htmlpage.table(
        ("path", "bytes"),
        [[f"<code>{esc(t.path)}</code>", esc(human_bytes(t.bytes))] for t in a.top],
        numeric={1},
    )
    secrets = "".join(
        f"<li>{esc(s.kind)}: <code>{esc(s.name)}</code> ({esc(_secret_place(s))})</li>"
        for s in a.secrets
    )
    found = (
        f"<h2>Secrets (names and places only, never values)</h2><ul>{secrets}</ul>"
        if secrets
        else ""
    )
    return f"<h2>Build-only leftovers</h2>{leftovers}<h2>Largest files</h2>{top}{found}"


def render(a: Analysis, folders: Mapping[str, int] | None = None) -> str:
    """The page for A; FOLDERS (bytes of unowned files by folder) splits the unowned tile."""
    legend = htmlpage.legend(
        [
            ("OS package (dpkg)", MANAGER_COLORS["dpkg"]),
            ("OS package (apk)", MANAGER_COLORS["apk"]),
            ("Python distribution", MANAGER_COLORS["python"]),
            ("no package (by folder)", GREY),
        ]
    )
    body = (
        "<h2>Where the bytes of the final filesystem go</h2>"
        + legend
        + treemap.svg(
            "treemap", tiles(a, folders), htmlpage.WIDTH, 520, "Bytes by package and folder"
        )
        + "<h2>Waste by cause</h2>"
        + f"<p>{esc(human_bytes(a.wasted_bytes))} stored but not visible "
        f"(efficiency {a.efficiency:.1%}).</p>"
        + _waste(a)
        + "<h2>Layers</h2>"
        + _layers(a)
        + _lists(a)
    )
    subtitle = (
        f"{a.source} ({a.layout}): {human_bytes(a.size_bytes)} in {len(a.layers)} layers, "
        f"{human_bytes(a.visible_bytes)} visible"
    )
    return htmlpage.document("slimstage analyze", subtitle, body)
