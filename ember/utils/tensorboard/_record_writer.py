"""TFRecord framing with masked CRC-32C, the container format of TensorBoard event files.

Each record is ``uint64 length | uint32 masked_crc(length) | data | uint32 masked_crc(data)``, all
little-endian, exactly as TensorFlow's ``RecordWriter`` writes it.

CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) is computed without a per-byte Python loop for
anything but tiny inputs: the CRC register update is linear over GF(2), so the message is cut into
16-byte rows whose CRCs are found at once (16 vectorised table steps over all rows), then adjacent
blocks are merged pairwise, ``crc(A|B) = Z_|B|(crc(A)) ^ crc(B)``, where ``Z_n`` -- "feed n zero bytes" --
is itself a linear map applied through four 256-entry tables.  Each merge level doubles the block
length, so a message of L bytes takes about 16 + 2*log2(L/16) NumPy passes.
"""
import struct

import numpy as np

__all__ = ["crc32c", "masked_crc32c", "encode_record"]

_POLY = 0x82F63B78
_ROW = 16          # bytes per leaf row of the vectorised CRC
_SHORT = 1024      # below this many bytes the plain table loop beats the NumPy passes


def _byte_table():
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & 1, (t >> 1) ^ np.uint32(_POLY), t >> 1).astype(np.uint32)
    return t


_TABLE = _byte_table()
_TABLE_LIST = _TABLE.tolist()
# _ZERO[k]: (4, 256) tables of the linear map "advance the register over _ROW * 2**k zero bytes";
# row p holds the image of (b << 8p), so Z(v) = xor_p table[p][(v >> 8p) & 0xFF].
_ZERO = []


def _apply_zero(tables, v):
    return (tables[0][v & 0xFF] ^ tables[1][(v >> 8) & 0xFF]
            ^ tables[2][(v >> 16) & 0xFF] ^ tables[3][v >> 24])


def _zero_tables(k):
    while len(_ZERO) <= k:
        if not _ZERO:
            # images of the 1024 basis-like inputs after _ROW zero bytes, stepped directly
            v = (np.arange(256, dtype=np.uint32)[None, :] << (np.arange(4, dtype=np.uint32)[:, None] * 8))
            for _ in range(_ROW):
                v = _TABLE[v & 0xFF] ^ (v >> 8)
            _ZERO.append(v.astype(np.uint32))
        else:
            prev = _ZERO[-1]
            _ZERO.append(_apply_zero(prev, prev))   # Z_{2n} = Z_n o Z_n
    return _ZERO[k]


def _raw_crc_zero_init(buf):
    """The CRC register after feeding ``buf`` (uint8 array, length a multiple of _ROW) from state 0."""
    rows = buf.reshape(-1, _ROW)
    n = rows.shape[0]
    levels = (n - 1).bit_length()
    if (1 << levels) != n:      # leading zero rows leave a zero-initialised register unchanged
        rows = np.concatenate([np.zeros(((1 << levels) - n, _ROW), np.uint8), rows])
    crc = np.zeros(rows.shape[0], np.uint32)
    for j in range(_ROW):
        crc = _TABLE[(crc ^ rows[:, j]) & 0xFF] ^ (crc >> 8)
    for k in range(levels):
        pairs = crc.reshape(-1, 2)
        crc = _apply_zero(_zero_tables(k), pairs[:, 0]) ^ pairs[:, 1]
    return int(crc[0])


def crc32c(data):
    """CRC-32C (Castagnoli) of ``data`` (bytes-like), as TensorFlow's ``crc32c::Value``."""
    data = memoryview(data).cast("B")
    n = len(data)
    if n < _SHORT:
        crc = 0xFFFFFFFF
        table = _TABLE_LIST
        for b in data.tobytes():
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
        return crc ^ 0xFFFFFFFF
    buf = np.empty(-(-n // _ROW) * _ROW, np.uint8)
    pad = buf.size - n
    buf[:pad] = 0
    buf[pad:] = np.frombuffer(data, np.uint8)
    # the initial register 0xFFFFFFFF is the same as inverting the first four message bytes
    buf[pad:pad + 4] ^= 0xFF
    return _raw_crc_zero_init(buf) ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TFRecord's masked CRC: rotate right by 15 bits and add 0xa282ead8 (mod 2**32)."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def encode_record(data):
    """One TFRecord: the framed bytes for the payload ``data``."""
    header = struct.pack("<Q", len(data))
    return b"".join((header, struct.pack("<I", masked_crc32c(header)), data,
                     struct.pack("<I", masked_crc32c(data))))
