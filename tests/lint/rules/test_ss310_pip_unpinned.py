import pytest

from tests.lint.helpers import findings, lines, whole


def test_unpinned_packages_are_named() -> None:
    [finding] = findings("FROM python:3.13-slim\nRUN pip install flask==3.1.0 gunicorn\n", "SS310")
    assert finding.line == 2
    assert "gunicorn" in finding.message
    assert "flask" not in finding.message


@pytest.mark.parametrize(
    "command",
    [
        "pip install flask",
        "pip2 install six",
        "pip3.13 install six",
        "python3 -m pip install six",
        "/opt/venv/bin/pip install six",
        "pipx install black",
        "pip install --upgrade pip",
        "pip install --root-user-action=ignore poetry",
        "pip install git+https://github.com/example/t.git#egg=t",
        "pip install --index-url https://pypi.internal/simple six",
    ],
)
def test_unpinned(command: str) -> None:
    assert lines(f"FROM python:3.13-slim\nRUN {command}\n", "SS310") == [2]


@pytest.mark.parametrize(
    "command",
    [
        "pip install flask==3.1.0",
        "pip install 'flask>=3' \"werkzeug<4\" 'click!=8.0' 'a~=1.0' b===2",
        "pip install -r requirements.txt",
        "pip install --requirement=requirements.txt",
        "pip install flask -c constraints.txt",
        "pip install .",
        "pip install -e .",
        "pip install dist/app-1.0-py3-none-any.whl app-1.0.tar.gz libs/toolkit",
        "pip install git+https://github.com/example/t.git@v2#egg=t",
        "pip install https://files.example.invalid/t-2.1.zip",
        "pip install --root-user-action ignore --target /x --timeout 60 six==1.16.0",
        'pipx install --python "$(command -v python3)" "poetry==1.8.5"',
        'pip install "$PACKAGE"',
        "pipenv install black",
        "uv pip install six",
        "pip download six",
    ],
)
def test_pinned_or_not_judged(command: str) -> None:
    assert lines(f"FROM python:3.13-slim\nRUN {command}\n", "SS310") == []


def test_every_stage_and_triggers() -> None:
    text = "FROM python:3.13-slim AS b\nRUN pip install six\nFROM python:3.13-slim\n"
    assert lines(text, "SS310") == [2]
    assert lines("FROM python:3.13-slim\nONBUILD RUN pip install six\n", "SS310") == [2]


@pytest.mark.parametrize(
    ("package", "pinned"),
    [
        # the user in front of the host is no ref
        ("git+ssh://git@github.com/o/r.git", False),
        ("git+ssh://git@github.com/o/r.git@v1.2", True),
        # a ref may hold a slash
        ("git+https://github.com/o/r.git@release/1.0", True),
        # an @ in the fragment is no ref either
        ("git+https://github.com/o/r.git#egg=r&subdirectory=a@b", False),
        # a wheel or sdist file is one version of a package
        ("app-1.0-py3-none-any.whl", True),
        ("XStatic", False),
    ],
)
def test_what_pins_a_vcs_url_or_a_file(package: str, pinned: bool) -> None:
    text = f"FROM python:3.13-slim\nRUN pip install {package}\n"
    assert (lines(text, "SS310") == []) is pinned


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS310_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM a\nRUN /usr/local/bin/pipx install black\n",
        [
            (
                2,
                (
                    "pip installs black without a version: pin it (name==1.2.3) "
                    "or install from a requirements file"
                ),
            )
        ],
    ),
    (
        "FROM a\nRUN pip install --requirement=req.txt\n",
        [],
    ),
    (
        "FROM a\nRUN pip install flask gunicorn\n",
        [
            (
                2,
                (
                    "pip installs flask, gunicorn without a version: pin it "
                    "(name==1.2.3) or install from a requirements file"
                ),
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS310_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS310") == expected


@pytest.mark.parametrize("option", ["--requirement=req.txt", "--requirement=a=b.txt", "-c=c.txt"])
def test_a_requirements_or_constraints_file_given_with_equals_pins_the_rest(option: str) -> None:
    assert whole(f"FROM a\nRUN pip install {option} extra\n", "SS310") == []
