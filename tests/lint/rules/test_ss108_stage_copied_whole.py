from tests.lint.helpers import lines


def test_builder_copied_whole() -> None:
    text = "FROM debian:12 AS builder\nRUN make\nFROM debian:12\nCOPY --from=builder / /\n"
    assert lines(text, "SS108") == [4]


def test_copying_one_folder_is_fine() -> None:
    text = (
        "FROM debian:12 AS builder\nRUN make\nFROM debian:12\n"
        "COPY --from=builder /opt/venv /opt/venv\n"
    )
    assert lines(text, "SS108") == []
