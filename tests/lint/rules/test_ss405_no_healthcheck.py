from tests.lint.helpers import lines


def test_no_healthcheck() -> None:
    assert lines("FROM debian:12\n", "SS405") == [1]


def test_healthcheck_in_final_stage() -> None:
    assert lines('FROM debian:12\nHEALTHCHECK CMD ["true"]\n', "SS405") == []
