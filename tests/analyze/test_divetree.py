"""dive's tree, as dive builds, orders and stacks it."""

from __future__ import annotations

from slimstage.analyze.divetree import DiveTree, child_first, layer_tree, subtree_bytes


def _paths(tree: DiveTree) -> list[str]:
    return [path for _, path in child_first(tree.root)]


def test_children_by_name_each_before_its_parent_and_whiteouts_by_what_they_delete() -> None:
    tree = layer_tree([("b/x", 1, False), ("a", 2, False), ("b/.wh.y", 0, False), ("b", 0, True)])
    assert _paths(tree) == ["/a", "/b/y", "/b/x", "/b"]


def test_add_path_stops_at_an_opaque_marker_and_makes_parents() -> None:
    tree = layer_tree([("d/.wh..wh..opq", 0, False), ("e/f", 5, False)])
    assert _paths(tree) == ["/d", "/e/f", "/e"]
    made = tree.get("d")
    assert made is not None
    assert (made.size, made.is_dir) == (0, False)


def test_stacking_removes_what_whiteouts_name_and_adds_the_rest() -> None:
    lower = layer_tree([("d", 0, True), ("d/x", 3, False), ("keep", 4, False)])
    upper = layer_tree([(".wh.d", 0, False), ("new", 1, False)])
    stacked = lower.copy()
    stacked.stack(child_first(upper.root))
    assert _paths(stacked) == ["/keep", "/new"]
    assert _paths(lower) == ["/d/x", "/d", "/keep"]  # the copy is its own tree


def test_a_deleted_folder_counts_everything_under_it() -> None:
    tree = layer_tree([("d", 7, True), ("d/a", 3, False), ("d/e/b", 5, False)])
    node = tree.get("/d")
    assert node is not None
    assert subtree_bytes(node) == 7 + 3 + 5 + 0


def test_deep_trees_copy_and_walk_without_recursion() -> None:
    deep = "/".join(["x"] * 3000)
    tree = layer_tree([(deep, 1, False)])
    assert len(child_first(tree.copy().root)) == 3000


def test_names_keep_their_blanks_and_any_letter_at_the_ends() -> None:
    tree = DiveTree()
    tree.add_path(" lead/trail ", 3, False)
    tree.add_path("X/Xray", 5, False)
    assert set(tree.root.children) == {" lead", "X"}
    found = tree.get(" lead/trail ")
    assert found is not None
    assert found.size == 3
    xray = tree.get("/X/Xray")
    assert xray is not None
    assert xray.size == 5


def test_a_copy_keeps_each_node_s_size_and_whether_it_is_a_folder() -> None:
    # The first layer's own whiteouts look in a copy of its tree (dive's stacked tree of no
    # layer below): a deleted folder there counts its own size and everything under it.
    tree = layer_tree([("d", 7, True), ("d/a", 3, False), ("d/e/b", 5, False), ("f", 2, False)])
    copy = tree.copy()
    for path, size, is_dir in [("d", 7, True), ("d/a", 3, False), ("d/e/b", 5, False)]:
        node = copy.get(path)
        assert node is not None
        assert (node.size, node.is_dir) == (size, is_dir), path
    folder = copy.get("d")
    assert folder is not None
    assert subtree_bytes(folder) == 7 + 3 + 5
