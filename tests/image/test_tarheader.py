"""One tar header's fields, parsed strictly."""

from __future__ import annotations

import pytest

from slimstage.image.tarheader import (
    Member,
    TarError,
    checksum_ok,
    decimal,
    pax_records,
    size_field,
    text,
)
from tests.image import craft


@pytest.mark.parametrize(
    ("field", "size"),
    [
        (b"00000001750\0", 1000),
        (b"00000001750 ", 1000),
        (b"     1750\0\0\0", 1000),  # padded on the left, as old writers do
        (b"1750\0garbage", 1000),  # ends at its first NUL
        (b"\0" * 12, 0),
        (b"\x80" + (9 << 30).to_bytes(11, "big"), 9 << 30),
        (b"000000001750", 1000),  # twelve digits, nothing to end them
    ],
)
def test_sizes(field: bytes, size: int) -> None:
    assert size_field(field) == size


@pytest.mark.parametrize(
    "field",
    [
        b"-0000000001\0",
        b"0o000000017\0",
        b"00000_00017\0",
        b"9" * 12,
        b"00000000018\0",
        b"00000001750\x01",  # eleven digits ended by neither a NUL nor a space
        b"00000001750!",
    ],
)
def test_sizes_that_are_not_octal_digits(field: bytes) -> None:
    with pytest.raises(TarError, match=r"^bad size field in a tar header$"):
        size_field(field)


def test_negative_base_256_is_negative() -> None:
    assert size_field(b"\xff" * 12) == -1


def test_checksums() -> None:
    block = bytearray(craft.header("a/b", 12))
    assert checksum_ok(bytes(block))
    block[0] ^= 1
    assert not checksum_ok(bytes(block))


def test_names_keep_bytes_that_are_not_utf8() -> None:
    assert text(b"caf\xe9\0rest") == "caf\udce9"


def test_pax_records_and_decimals() -> None:
    assert pax_records(b"14 path=a/b/c\n10 uid=42\n") == {"path": "a/b/c", "uid": "42"}
    assert decimal("42", "uid") == 42
    for bad in ("-1", "4 2", "\u0663"):  # an Arabic-Indic digit is a digit to str.isdigit
        with pytest.raises(TarError, match="bad pax uid"):
            decimal(bad, "uid")


def test_member_fields_are_parsed_when_asked_for() -> None:
    header = craft.header("x", 5, b"2", link="target")
    member = Member("x", 5, b"2", 512, header, {"uid": "7"})
    assert (member.linkname, member.uid, member.gid, member.mode) == ("target", 7, 0, 0o644)
    assert not member.isreg()
    assert not member.isdir()


@pytest.mark.parametrize(
    "field",
    [b"X000644\0", b"000644X\0", b"  644\t\0\0", b"0000644\0X", b"\t0000644", b"0000644\n"],
)
def test_a_number_field_with_anything_but_digits_spaces_and_nuls_is_refused(field: bytes) -> None:
    header = bytearray(craft.header("x"))
    header[100:108] = field
    member = Member("x", 0, b"0", 512, bytes(header), None)
    if field.endswith(b"\0X"):  # ends at its first NUL: what follows does not count
        assert member.mode == 0o644
        return
    with pytest.raises(TarError, match=r"^bad mode field in a tar header$"):
        _ = member.mode


def test_pax_records_keep_equals_signs_and_bytes_that_are_not_utf8() -> None:
    body = b"14 path=a=b/c\n" + b"11 k\xff=caf\xe9\n"
    assert pax_records(body) == {"path": "a=b/c", "k\udcff": "caf\udce9"}


@pytest.mark.parametrize("body", [b"x path=a\n", b"99 path=a\n", b"9 path=ab\n", b"2 \n"])
def test_a_pax_record_that_does_not_add_up_is_refused(body: bytes) -> None:
    with pytest.raises(TarError, match=r"^bad pax record$"):
        pax_records(body)


def test_a_bad_pax_number_is_shown_cut_to_20_characters() -> None:
    with pytest.raises(TarError) as caught:
        decimal("1" * 19 + "xyz", "size")
    assert str(caught.value) == f"bad pax size record {'1' * 19 + 'x'!r}"


def _with_checksum(block: bytearray, field: bytes) -> bytes:
    assert len(field) == 8
    block[148:156] = field
    return bytes(block)


def _sum(block: bytearray) -> int:
    """The unsigned sum of the block's bytes, its checksum field counted as blanks."""
    return sum(block[:148]) + 8 * ord(" ") + sum(block[156:])


@pytest.mark.parametrize(
    "form",
    ["{:06o}\0 ", "{:07o}\0", "{:07o} ", " {:06o}\0", "{:06o} \0"],
)
def test_checksums_of_six_or_seven_digits_ended_by_nuls_or_blanks(form: str) -> None:
    block = bytearray(craft.header("a/b", 12))
    field = form.format(_sum(block)).encode()
    assert checksum_ok(_with_checksum(block, field))
    wrong = form.format(_sum(block) + 1).encode()
    assert not checksum_ok(_with_checksum(block, wrong))


@pytest.mark.parametrize("field", [b"012380\0 ", b"012390\0 ", b"0012389\0"])
def test_a_checksum_with_digits_that_are_not_octal_is_refused(field: bytes) -> None:
    with pytest.raises(TarError, match=r"^bad checksum field in a tar header$"):
        checksum_ok(_with_checksum(bytearray(craft.header("a")), field))


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a\x7fb\udc80", b"0"),  # DEL (127) is no high byte; 0x80 is the first one
        ("plain", b"\xff"),  # a type flag above 127 counts too
    ],
)
def test_old_writers_signed_checksums_count_every_byte_above_127(name: str, kind: bytes) -> None:
    block = bytearray(craft.header(name, kind=kind))
    block[148:156] = b" " * 8
    signed = sum(byte - 256 if byte > 127 else byte for byte in block)
    assert signed != _sum(block)  # a signed sum that the unsigned one would not match
    assert checksum_ok(_with_checksum(block, f"{signed:06o}\0 ".encode()))
    assert not checksum_ok(_with_checksum(block, f"{signed - 256:06o}\0 ".encode()))
