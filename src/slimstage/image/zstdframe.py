"""Follow the frame structure of a zstd stream as its bytes pass (RFC 8878, section 3).

zstandard's stream reader hands out bounded output, but when its input ends inside a frame it
simply stops: a cut layer would read as a shorter one. FrameWalker sees the same compressed
bytes and knows whether the stream ended between frames; it also bounds what one block may
claim, and refuses reserved block types and unknown magic numbers.
"""

from __future__ import annotations

ZSTD_MAGIC = 0xFD2FB528
MAX_BLOCK = 128 << 10
_FCS_BYTES = (0, 2, 4, 8)
_DID_BYTES = (0, 1, 2, 4)


class FrameError(Exception):
    pass


class FrameWalker:
    """Feed it every compressed byte in order; `complete` says whether the stream may end here."""

    def __init__(self) -> None:
        self.frames = 0
        self._state = "magic"
        self._need = 4  # bytes to collect for the current state (0: skipping instead)
        self._skip = 0  # bytes to pass over
        self._held = bytearray()
        self._checksum = False

    @property
    def complete(self) -> bool:
        return self.frames > 0 and self._state == "magic" and not self._held and not self._skip

    def feed(self, data: bytes) -> None:
        position, end = 0, len(data)
        while position < end:
            if self._skip:
                step = min(self._skip, end - position)
                self._skip -= step
                position += step
                if not self._skip:
                    self._after_skip()
                continue
            step = min(self._need - len(self._held), end - position)
            self._held += data[position : position + step]
            position += step
            if len(self._held) == self._need:
                held = bytes(self._held)
                self._held.clear()
                self._collected(held)

    def _expect(self, state: str, need: int) -> None:
        self._state, self._need = state, need

    def _collected(self, held: bytes) -> None:
        if self._state == "magic":
            magic = int.from_bytes(held, "little")
            if magic == ZSTD_MAGIC:
                self._expect("descriptor", 1)
            elif magic & 0xFFFFFFF0 == 0x184D2A50:
                self._expect("skippable size", 4)
            else:
                raise FrameError("not a zstd frame (bad magic number)")
        elif self._state == "descriptor":
            flags = held[0]
            if flags & 0x08:
                raise FrameError("reserved bit set in a zstd frame header")
            single_segment = bool(flags & 0x20)
            self._checksum = bool(flags & 0x04)
            fcs = _FCS_BYTES[flags >> 6] or (1 if single_segment else 0)
            self._pass(fcs + _DID_BYTES[flags & 3] + (0 if single_segment else 1), "header")
        elif self._state == "block header":
            value = int.from_bytes(held, "little")
            last, kind, size = value & 1, (value >> 1) & 3, value >> 3
            if kind == 3:
                raise FrameError("reserved block type in a zstd frame")
            if size > MAX_BLOCK:
                raise FrameError(f"a zstd block claims {size} bytes, more than {MAX_BLOCK}")
            self._pass(1 if kind == 1 else size, "last block" if last else "block")
        elif self._state == "skippable size":
            self._pass(int.from_bytes(held, "little"), "skippable")

    def _pass(self, size: int, then: str) -> None:
        """Skip SIZE bytes, then go on as THEN says."""
        self._state, self._skip = then, size
        if not size:
            self._after_skip()

    def _after_skip(self) -> None:
        if self._state in ("header", "block"):
            self._expect("block header", 3)
        elif self._state == "last block" and self._checksum:
            self._checksum = False
            self._pass(4, "checksum")
        else:  # the last block (and its checksum) or a skippable frame ended
            self.frames += 1
            self._expect("magic", 4)
