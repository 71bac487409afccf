"""Which package goes where: from the built code's needs, the shared build-only list, and what
the app runs."""

from __future__ import annotations

from slimstage import dockerfile
from slimstage.optimize import classify, recipe
from tests.optimize.surveys import image, package

PSYCOPG = "lib/python3.13/site-packages/psycopg2/_psycopg.cpython-313-x86_64-linux-gnu.so"
DOCKERFILE = (
    "FROM python:3.13-slim\n"
    "RUN apt-get update && apt-get install -y build-essential libpq-dev curl ffmpeg libmagic1 "
    "ca-certificates\n"
    "RUN pip install -r requirements.txt\n"
    "HEALTHCHECK CMD curl -f http://localhost:8000/\n"
)


def _recipe(text: str = DOCKERFILE) -> recipe.Recipe:
    return recipe.read(dockerfile.parse(text, "Dockerfile"))


BUILDER = image(
    {
        "build-essential": package(),
        "libpq-dev": package(("libpq5",), programs=("pg_config",)),
        "libpq5": package(("libc6", "libldap2"), libs=("libpq.so.5",)),
        "libldap2": package(("libc6", "libsasl2-2"), libs=("libldap.so.2",)),
        "libsasl2-2": package(("libsasl2-modules-db",), libs=("libsasl2.so.2",)),
        "libsasl2-modules-db": package(("libdb5.3t64",), libs=("libsasldb.so.2",)),
        "libdb5.3t64": package(("libc6",), libs=("libdb-5.3.so",)),
        "libc6": package(libs=("libc.so.6", "libm.so.6")),
        "curl": package(("libcurl4",), programs=("curl",)),
        "ffmpeg": package(programs=("ffmpeg", "ffprobe")),
        "libmagic1": package(libs=("libmagic.so.1",)),
        "ca-certificates": package(programs=("update-ca-certificates",)),
        "dpkg": package(essential=True),
    },
    needs=[
        (PSYCOPG, "libpq.so.5", "libpq5", False),
        (PSYCOPG, "libc.so.6", "libc6", False),
        ("lib/python3.13/site-packages/numpy.libs/x.so", "libgfortran-1.so.5", None, True),
        ("lib/python3.13/site-packages/odd/x.so", "libodd.so.1", None, False),
    ],
)
SLIM = image({"libc6": package(), "ca-certificates": package()})
TEXTS = {
    "HEALTHCHECK at line 4": "CMD curl -f http://localhost:8000/",
    "app.py": 'import subprocess\nsubprocess.run(["ffmpeg", "-i", "in.mp4"])\n# make it fast\n',
}


def _by_package(found: classify.Findings) -> dict[str, classify.Decision]:
    return {d.package: d for d in found.decisions}


def test_runtime_packages_come_from_the_built_code_not_the_dev_package() -> None:
    found = classify.classify(_recipe(), BUILDER, SLIM, TEXTS)
    assert list(found.runtime) == ["libpq5"]
    assert found.runtime["libpq5"][0].soname == "libpq.so.5"
    assert list(found.in_base) == ["libc6"]
    assert [b.soname for b in found.bundled] == ["libgfortran-1.so.5"]
    assert [u.soname for u in found.unresolved] == ["libodd.so.1"]


def test_original_packages_are_moved_kept_or_left_to_the_base_with_reasons() -> None:
    decisions = _by_package(classify.classify(_recipe(), BUILDER, SLIM, TEXTS))
    assert decisions["build-essential"].place == "builder"
    assert "compiler toolchain" in decisions["build-essential"].reason
    assert decisions["libpq-dev"].place == "builder"
    assert decisions["curl"].place == "final"
    assert decisions["curl"].reason.endswith("curl is run by HEALTHCHECK at line 4")
    assert decisions["ffmpeg"].place == "final"
    assert "ffmpeg is called in app.py" in decisions["ffmpeg"].reason
    assert decisions["libmagic1"].place == "final"
    assert "dlopen" in decisions["libmagic1"].reason
    assert decisions["ca-certificates"].place == "base"


def test_a_build_only_package_whose_program_the_app_runs_stays() -> None:
    text = DOCKERFILE.replace("HEALTHCHECK CMD curl", 'CMD ["pg_config"]\nHEALTHCHECK CMD curl')
    texts = {**TEXTS, "CMD at line 4": "pg_config"}
    decisions = _by_package(classify.classify(_recipe(text), BUILDER, SLIM, texts))
    assert decisions["libpq-dev"].place == "final"
    assert "pg_config is run by CMD at line 4" in decisions["libpq-dev"].reason


def test_words_in_prose_do_not_keep_a_package() -> None:
    text = "FROM python:3.13-slim\nRUN apt-get install -y make\nRUN pip install x\n"
    builder = image({"make": package(programs=("make",))}, needs=[])
    decisions = _by_package(classify.classify(_recipe(text), builder, SLIM, TEXTS))
    assert decisions["make"].place == "builder"


def test_final_packages_list_runtime_and_kept_ones_with_comments() -> None:
    found = classify.classify(_recipe(), BUILDER, SLIM, TEXTS)
    final = found.final_packages()
    assert list(final) == ["curl", "ffmpeg", "libmagic1", "libpq5"]
    assert final["libpq5"] == "psycopg2/_psycopg.cpython-313-x86_64-linux-gnu.so needs libpq.so.5"


def test_minimal_stages_the_dependency_closure_less_the_runtime_base() -> None:
    runtime = image({}, manager=None, library_files=("libc.so.6", "libdb-5.3.so"), tools=())
    text = "FROM python:3.13-slim\nRUN apt-get install -y libpq-dev\nRUN pip install x\n"
    found = classify.classify(_recipe(text), BUILDER, runtime, {})
    classify.stage_closure(found, BUILDER, runtime)
    # libdb5.3t64's only library is in the base: left to it. libc6 is there only in part
    # (libc.so.6, not libm.so.6): staged whole, so nothing it ships is missing.
    assert sorted(found.staged) == [
        "libc6",
        "libldap2",
        "libpq5",
        "libsasl2-2",
        "libsasl2-modules-db",
    ]
    assert found.staged["libsasl2-modules-db"] == "libsasl2-2 depends on it"
    assert "libc6" in found.in_base  # the loader finds libc.so.6: not a run-time find


def test_base_has_reads_the_database_or_the_library_files() -> None:
    runtime = image({}, manager=None, library_files=("libpq.so.5", "libc.so.6"))
    assert classify.base_has(runtime, "libpq5", BUILDER)
    assert not classify.base_has(runtime, "libldap2", BUILDER)
    assert not classify.base_has(runtime, "libc6", BUILDER)  # libm.so.6 is missing
    assert classify.base_has(SLIM, "libc6", BUILDER)
    assert not classify.base_has(SLIM, "libpq5", BUILDER)
