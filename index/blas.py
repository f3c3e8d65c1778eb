"""numpy's own BLAS on one thread for the answering's matrix-vector products (issue 23).

A question's cosines are one matrix-vector product over a few thousand rows (~1 M multiply-adds). On
two threads, OpenBLAS hands half of it to a worker thread; on a busy machine that thread waits for a
core, and the product then takes milliseconds instead of tens of microseconds (measured: docs/evaluation.md,
"Honest speed"). One thread computes each row with the same kernel, so every score is bit-for-bit the
same. Only numpy's own OpenBLAS is limited, only for the call, and under a lock, so no other library's
threads (ONNX Runtime's, torch's) and no other caller's setting change.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

_LOCK = threading.Lock()
# Rows the products of several vectors read together (`matvecs`): 256 rows of 384 float32 are 384 KB, which
# stays in one core's cache (1-2 MB on the machines measured) while every vector's product reads it. A power
# of two: each row sits at the same place of the BLAS kernel's unrolled loop as in a whole product.
BLOCK_ROWS = 256
_NUMPY_ROOT = os.path.realpath(os.path.dirname(os.path.dirname(np.__file__)))


def _numpy_blas() -> list[Any]:
    """The BLAS libraries numpy itself loaded (its wheel bundles them beside the package)."""
    try:
        libs = ThreadpoolController().lib_controllers
    except Exception:  # noqa: BLE001 - an unknown BLAS build: products just run as numpy runs them
        return []
    return [lib for lib in libs if lib.user_api == "blas" and os.path.realpath(lib.filepath).startswith(_NUMPY_ROOT)]


_BLAS = _numpy_blas()


@contextmanager
def one_thread() -> Iterator[None]:
    """numpy's BLAS on one thread for the duration, then as it was."""
    if not _BLAS:
        yield
        return
    with _LOCK:
        before = [lib.num_threads for lib in _BLAS]
        for lib in _BLAS:
            lib.set_num_threads(1)
        try:
            yield
        finally:
            for lib, n in zip(_BLAS, before, strict=True):
                lib.set_num_threads(n)


def matvec(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """`matrix @ vector` on one BLAS thread."""
    with one_thread():
        return matrix @ vector


def matvecs(matrix: np.ndarray, vectors: list[np.ndarray], rows: np.ndarray | None = None) -> list[np.ndarray]:
    """`[matrix @ v for v in vectors]` on one BLAS thread, reading the matrix from memory once: block by
    block of rows, every vector's product of a block before the next. The products are memory-bound (a
    large framework's vectors are a few MB, which the model's encode has just pushed out of the caches),
    so a second vector's product over the same block costs a fraction of a second pass. Each row's score
    is the same one-row dot product as in a whole product, so every score is bit for bit the same.

    `rows` (a mask over the matrix's rows, None for all): only the blocks holding one of them are read, the
    others' scores are 0. Reading the matrix is most of a product's cost, and a question that names a level
    reads a few blocks of a large framework's; each block read is the same product as before, bit for bit."""
    out = [np.zeros(len(matrix), dtype=np.result_type(matrix, v)) for v in vectors]
    step = BLOCK_ROWS
    starts = range(0, len(matrix), step) if rows is None else \
        (int(b) * step for b in np.flatnonzero(np.logical_or.reduceat(rows, np.arange(0, len(rows), step))))
    with one_thread():
        for start in starts:
            block = matrix[start : start + step]
            for vector, scores in zip(vectors, out, strict=True):
                np.matmul(block, vector, out=scores[start : start + step])
    return out


class DistinctRows:
    """A matrix whose rows repeat (a framework's documents that share a text share a vector: 1,189 distinct of
    GOV.UK DDaT's 2,641), multiplied as `matvecs` multiplies it but reading each distinct row once.

    The products are memory-bound (`matvecs`), so reading half the rows is most of half the cost. The rows of the
    matrix's whole blocks are kept once each, in order of first use, in whole blocks of their own (the last
    padded with zero rows): every such row is scored inside a block of `BLOCK_ROWS` rows in both, which the BLAS
    kernel computes row by row the same way whatever the row's place in it, so its score keeps its bits. Only the
    rows of a short last block are scored at their own place (a kernel's leftover rows, beyond its unrolling,
    take another path there), read from the matrix as before. A matrix with too few repeats to save a block is
    multiplied as it is."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix
        self._whole = len(matrix) - len(matrix) % BLOCK_ROWS
        first: dict[bytes, int] = {}
        self._of = np.fromiter((first.setdefault(row.tobytes(), len(first)) for row in matrix[: self._whole]),
                               dtype=np.intp, count=self._whole)
        blocks = -(-len(first) // BLOCK_ROWS)
        self._distinct: np.ndarray | None = None
        if blocks * BLOCK_ROWS < self._whole:
            distinct = np.zeros((blocks * BLOCK_ROWS, *matrix.shape[1:]), dtype=matrix.dtype)
            distinct[self._of] = matrix[: self._whole]  # a repeat writes the same bytes again
            self._distinct = distinct

    def matvecs(self, vectors: list[np.ndarray], rows: np.ndarray | None = None) -> list[np.ndarray]:
        """`matvecs(matrix, vectors, rows)`, bit for bit. With `rows`, the blocks holding them are read as
        `matvecs` reads them: a few blocks of a large matrix cost less than its distinct rows."""
        if rows is not None or self._distinct is None:
            return matvecs(self.matrix, vectors, rows)
        distinct = matvecs(self._distinct, vectors)
        last = matvecs(self.matrix[self._whole :], vectors)
        return [np.concatenate((d[self._of], t)) for d, t in zip(distinct, last, strict=True)]
