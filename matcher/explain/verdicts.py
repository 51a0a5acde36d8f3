"""The hard rules' verdicts on every cadre as bit sets, made once per demand key.

Why: a sparse city leaves thousands of demands short, and explaining each one
judged every cadre against every rule anew, though a rule's verdict depends on
the demand only through a *key*: ``requires`` fails a cadre when any of the
demand's required (tag, level) pairs does, ``certs`` when any of its wanted certs
is missing, ``availability`` and ``away`` through the demand's window and
day-span classes, ``status`` and ``capacity`` not at all. So each key's verdict
is made once, as a bit set over the cadres (bit ``p`` is cadre ``order[p]``), and
a demand's verdict is the union of its keys' sets, a few machine words per 64
cadres. ``travel`` depends on the demand's community and is made per demand
(:mod:`matcher.explain.counts`). Every verdict is :mod:`matcher.rules`'
definition, compiled, on each cadre.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from matcher.rules import Rule, compiled
from matcher.solver.kernels import intrinsic, kernel
from matcher.stream.packed import Packed

__all__ = ["Verdicts", "lowest_bit", "popcount", "verdicts"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Words = npt.NDArray[np.uint64]
_withdrawn = compiled()[Rule.STATUS]
_no_capacity = compiled()[Rule.CAPACITY]
_short_of = compiled()[Rule.REQUIRES]
_lacks_cert = compiled()[Rule.CERTS]
_unavailable = compiled()[Rule.AVAILABILITY]
_away_then = compiled()[Rule.AWAY]


def _make_ctpop() -> Callable[[np.uint64], int]:
    from numba.core import types
    from numba.extending import intrinsic

    @intrinsic
    def _ctpop(typingctx, x):  # type: ignore[no-untyped-def]
        if x != types.uint64:
            return None

        def codegen(context, builder, sig, args):  # type: ignore[no-untyped-def]
            return builder.ctpop(args[0])

        return types.int64(types.uint64), codegen

    return cast("Callable[[np.uint64], int]", _ctpop)


def _make_cttz() -> Callable[[np.uint64], int]:
    from llvmlite import ir
    from numba.core import types
    from numba.extending import intrinsic

    @intrinsic
    def _cttz(typingctx, x):  # type: ignore[no-untyped-def]
        if x != types.uint64:
            return None

        def codegen(context, builder, sig, args):  # type: ignore[no-untyped-def]
            return builder.cttz(args[0], ir.Constant(ir.IntType(1), 0))

        return types.int64(types.uint64), codegen

    return cast("Callable[[np.uint64], int]", _cttz)


def _popcount(x: np.uint64) -> int:
    return int(x).bit_count()


def _lowest_bit(x: np.uint64) -> int:
    v = int(x)
    return (v & -v).bit_length() - 1


#: how many bits of a ``uint64`` are set (one instruction on most CPUs, compiled)
popcount = intrinsic(_popcount, _make_ctpop)
#: the index of the lowest set bit of a nonzero ``uint64`` (one instruction, compiled)
lowest_bit = intrinsic(_lowest_bit, _make_cttz)


@dataclass(frozen=True)
class Verdicts:
    """Bit sets of the cadres failing each key, each ``ceil(cadres / 64)`` words.

    ``order``: the cadre at each bit (by home, so a demand's travel pass reads
    its distances in order); ``home``/``limit``: theirs, in that order;
    ``valid``: every cadre's bit. ``req_row``: per requirement entry of the
    packed case (:class:`~matcher.stream.packed.Packed`) its row of ``requires``
    (-1: a demand not asked about); ``certs``: a row per cert bit of the packed
    cert words; ``window_row``/``span_row``: per time class its row of
    ``availability``/``away`` (-1: no dated demand asked about has it).
    """

    order: IntArray
    home: IntArray
    limit: FloatArray
    valid: Words
    status: Words
    capacity: Words
    req_row: IntArray
    requires: Words
    certs: Words
    window_row: IntArray
    availability: Words
    span_row: IntArray
    away: Words


def _rows_of(keys: IntArray, size: int) -> tuple[IntArray, IntArray]:
    """The distinct ``keys`` (classes below ``size``) and each class's row (-1: none)."""
    used = np.unique(keys)
    row = np.full(size, -1, np.int64)
    row[used] = np.arange(used.size)
    return used.astype(np.int64), row


def verdicts(packed: Packed, cols: IntArray) -> Verdicts:
    """The verdicts demands ``cols`` need, for every cadre of ``packed``."""
    (
        _eff, own, _np, _nt, _nl, req_ptr, req_tag, req_lvl,
        missing, wanted, _dead, home, where, limit, *_rest,
    ) = packed.data  # fmt: skip
    t_pattern, t_absence, t_window, t_span, t_outside, t_away = packed.data[-6:]
    cols = np.asarray(cols, np.int64)
    m = where.shape[0]
    order = np.argsort(home, kind="stable").astype(np.int64)
    asked = np.zeros(m, np.bool_)
    asked[cols] = True
    # each requirement entry of an asked demand, keyed by its (tag, level)
    of = np.repeat(np.arange(m), np.diff(req_ptr))
    sel = np.flatnonzero(asked[of])
    pairs = np.stack([req_tag[sel].astype(np.float64), req_lvl[sel]], axis=1)
    keys, inv = np.unique(pairs, axis=0, return_inverse=True)
    req_row = np.full(req_tag.size, -1, np.int64)
    req_row[sel] = inv.reshape(-1)
    bits = np.bitwise_or.reduce(wanted[cols], axis=0, initial=np.uint64(0))
    dated = cols[(t_window[cols] != 0) | (t_span[cols] != 0)]
    windows, window_row = _rows_of(t_window[dated], t_outside.shape[1])
    spans, span_row = _rows_of(t_span[dated], t_away.shape[1])
    sets = _make(
        order, packed.red, packed.capacity, own, keys[:, 0].astype(np.int64), keys[:, 1],
        missing, bits.astype(np.uint64), t_pattern, t_outside, windows, t_absence, t_away,
        spans,
    )  # fmt: skip
    valid, status, capacity, requires, certs, avail, away = sets
    return Verdicts(
        order, home[order], limit[order], valid, status, capacity, req_row, requires, certs,
        window_row, avail, span_row, away,
    )  # fmt: skip


@kernel(inline=True)
def _bit(pos):  # type: ignore[no-untyped-def]
    return np.uint64(1) << np.uint64(pos & 63)


@kernel
def _make(  # type: ignore[no-untyped-def]
    order, red, cap, own, req_tag, req_lvl, missing, bits, pattern, outside, windows,
    absence, away, spans,
):  # fmt: skip
    n = order.size
    size = (n + 63) // 64
    valid = np.zeros(size, np.uint64)
    status = np.zeros(size, np.uint64)
    capacity = np.zeros(size, np.uint64)
    requires = np.zeros((req_tag.size, size), np.uint64)
    certs = np.zeros((64 * bits.size, size), np.uint64)
    avail = np.zeros((windows.size, size), np.uint64)
    gone = np.zeros((spans.size, size), np.uint64)
    for pos in range(n):
        i, w, b = order[pos], pos >> 6, _bit(pos)
        valid[w] |= b
        if _withdrawn(red[i]):
            status[w] |= b
        if _no_capacity(cap[i]):
            capacity[w] |= b
        for u in range(req_tag.size):
            if _short_of(own[i, req_tag[u]], req_lvl[u]):
                requires[u, w] |= b
        for word in range(bits.size):
            x = bits[word]
            while x != np.uint64(0):
                k = lowest_bit(x)
                if _lacks_cert(missing[i, word], np.uint64(1) << np.uint64(k)):
                    certs[64 * word + k, w] |= b
                x &= x - np.uint64(1)
        for u in range(windows.size):
            if _unavailable(outside, pattern[i], windows[u]):
                avail[u, w] |= b
        for u in range(spans.size):
            if _away_then(away, absence[i], spans[u]):
                gone[u, w] |= b
    return valid, status, capacity, requires, certs, avail, gone
