from tests.lint.helpers import lines


def test_add_url() -> None:
    assert lines("FROM debian:12\nADD https://example.com/x.tgz /x/\n", "SS403") == [2]


def test_add_url_with_checksum_or_local_file() -> None:
    text = "FROM debian:12\nADD --checksum=sha256:abc https://example.com/x /x\nADD app.tgz /app/\n"
    assert lines(text, "SS403") == []
