"""The mutation plugin's stand-in for BuildKit's parser answers as the library does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import dockerfile

from tests.mutant_names import own_test_file

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "FROM a AS b\nRUN echo hi \\\n  there\n",
    "FROM a\nCOPY <<EOF /x\nhi\nEOF\nRUN <<-A cat\n\tx\nA\n",
    'FROM a\nCMD ["x", "y"]\nHEALTHCHECK --interval=5s CMD true\nONBUILD RUN ls\n',
    "",  # GoParseError: no instructions
    "FROM a\nCOPY <<EOF /x\nunterminated\n",
    "FROM a\x00b\n",
]


def _answer(parse: object, text: str) -> str:
    try:
        return repr(parse(text))  # type: ignore[operator]
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def test_the_helper_process_gives_the_librarys_commands_and_errors() -> None:
    script = (
        "import json, sys\n"
        "import tests.mutation_plugin\n"
        "import dockerfile\n"
        "from tests.test_mutation_plugin import TEXTS, _answer\n"
        "assert dockerfile.__doc__.startswith('BuildKit')\n"
        "print(json.dumps([_answer(dockerfile.parse_string, t) for t in TEXTS]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    expected = [_answer(dockerfile.parse_string, text) for text in TEXTS]
    assert json.loads(done.stdout) == expected
    assert expected[3].startswith("GoParseError: ")
    assert "'hi\\n'" in expected[1]


def test_a_mutants_name_leads_to_its_modules_own_test_file() -> None:
    assert own_test_file("slimstage.image.blob.xǁ_Gunzipǁread__mutmut_3") == (
        "tests/image/test_blob.py"
    )
    assert own_test_file("slimstage.units.x_human_bytes__mutmut_1") == "tests/test_units.py"
    assert own_test_file("slimstage.x_main__mutmut_1") is None  # no module named
    assert own_test_file("not a mutant") is None
    assert (ROOT / "tests/image/test_blob.py").is_file()
