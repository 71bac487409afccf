"""The shared list of build-only packages: its rules and the file shipped with slimstage."""

from __future__ import annotations

import pytest

from slimstage import buildonly


@pytest.mark.parametrize(
    ("name", "distro", "category", "matched"),
    [
        ("build-essential", "debian", "toolchain", "name build-essential"),
        ("gcc-12", "debian", "toolchain", "name gcc (versioned)"),
        ("g++=4:12.2.0-3", "debian", "toolchain", "name g++"),
        ("pkg-config", "debian", "build-system", "name pkg-config"),
        ("pkgconf", "alpine", "build-system", "name pkgconf"),
        ("cmake", "debian", "build-system", "name cmake"),
        ("autoconf", "alpine", "build-system", "name autoconf"),
        ("libtool", "debian", "build-system", "name libtool"),
        ("libpq-dev", "debian", "headers", "suffix -dev"),
        ("libpq-dev:arm64", "debian", "headers", "suffix -dev"),
        ("python3.13-dev", "debian", "headers", "suffix -dev"),
        ("libfoo-dev-compat", "debian", "headers", "suffix -dev-compat"),
        ("linux-headers-amd64", "debian", "headers", "prefix linux-headers-"),
        ("musl-dev", "alpine", "headers", "suffix -dev"),
        ("openssl-dev>3", "alpine", "headers", "suffix -dev"),
        ("zlib-static", "alpine", "headers", "suffix -static"),
        ("linux-headers", "alpine", "headers", "name linux-headers"),
        ("libc6-dbg", "debian", "debug", "suffix -dbg"),
        ("python3-doc", "debian", "docs", "suffix -doc"),
        ("git", "debian", "source-fetch", "name git"),
        ("git", "alpine", "source-fetch", "name git"),
        ("build-base", "alpine", "toolchain", "name build-base"),
        ("libpq-devel", "rpm", "headers", "suffix -devel"),
        ("gcc-c++", "rpm", "toolchain", "name gcc-c++"),
        ("GCC", "debian", "toolchain", "name gcc"),
    ],
)
def test_build_only_and_why(name: str, distro: str, category: str, matched: str) -> None:
    reason = buildonly.why_build_only(name, distro)
    assert reason is not None
    assert (reason.category, reason.matched) == (category, matched)
    assert reason.why
    assert buildonly.is_build_only(name, distro)


@pytest.mark.parametrize(
    ("name", "distro"),
    [
        ("libpq5", "debian"),
        ("libpq", "alpine"),
        ("ca-certificates", "debian"),
        ("curl", "debian"),
        ("udev", "debian"),  # ends in "dev", not "-dev"
        ("gcc-12-base", "debian"),  # the runtime support libgcc needs
        ("libgcc-s1", "debian"),
        ("libstdc++6", "debian"),
        ("-dev", "debian"),
        ("build-essential", "alpine"),  # Debian's name; Alpine calls it build-base
        ("libpq-devel", "debian"),  # RPM's suffix
    ],
)
def test_runtime_packages_are_not_build_only(name: str, distro: str) -> None:
    assert buildonly.why_build_only(name, distro) is None


def test_normalise_drops_pins_and_architectures() -> None:
    assert buildonly.normalise("libpq-dev:amd64=15.4-1") == "libpq-dev"
    assert buildonly.normalise("gcc~12") == "gcc"
    assert buildonly.normalise("Musl-Dev<2") == "musl-dev"


def test_unknown_distro_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown distribution 'arch'"):
        buildonly.why_build_only("gcc", "arch")


def test_every_manager_names_a_distro_of_the_file() -> None:
    shipped = buildonly.catalog()
    assert set(buildonly.MANAGERS.values()) <= set(shipped)
    for distro in buildonly.DISTROS:
        names = {c.name for c in shipped[distro]}
        assert {"toolchain", "build-system", "headers", "debug", "docs"} <= names, distro


def test_a_custom_file_and_its_errors() -> None:
    own = buildonly.parse('[debian.java]\nwhy = "JDK"\nnames = ["openjdk-17-jdk"]\n')
    reason = buildonly.why_build_only("openjdk-17-jdk", "debian", own)
    assert reason is not None
    assert reason.category == "java"
    assert buildonly.why_build_only("gcc", "debian", own) is None
    with pytest.raises(ValueError, match="unknown distribution"):
        buildonly.parse('[gentoo.x]\nwhy = "y"\n')
    with pytest.raises(ValueError, match=r"debian\.x: needs `why`"):
        buildonly.parse('[debian.x]\nnames = ["a"]\n')
    with pytest.raises(ValueError, match="names must be a list of strings"):
        buildonly.parse('[debian.x]\nwhy = "y"\nnames = "a"\n')


def test_errors_name_every_unknown_distribution_and_every_known_one() -> None:
    with pytest.raises(ValueError, match=r"^unknown distribution") as caught:
        buildonly.parse('[gentoo.x]\nwhy = "y"\n[arch.y]\nwhy = "z"\n')
    assert str(caught.value) == "unknown distribution(s): arch, gentoo"
    with pytest.raises(ValueError, match=r"^unknown distribution") as caught:
        buildonly.why_build_only("gcc", "arch")
    assert str(caught.value) == "unknown distribution 'arch' (known: debian, alpine, rpm)"


def test_a_category_with_a_key_it_does_not_know_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"debian\.x: needs `why` and only names/suffixes/prefixes"
    ):
        buildonly.parse('[debian.x]\nwhy = "y"\nname = ["typo"]\n')
