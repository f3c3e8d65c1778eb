"""The answering's cosines on one BLAS thread (index/blas.py): the same scores, the setting put back."""

from __future__ import annotations

import threading

import numpy as np

from index import blas


def test_one_thread_scores_are_bit_for_bit_the_same() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((3000, 384)).astype(np.float32)
    vector = rng.standard_normal(384).astype(np.float32)
    assert np.array_equal(blas.matvec(matrix, vector), matrix @ vector)


def test_numpy_blas_threads_are_put_back_even_after_an_error() -> None:
    before = [lib.num_threads for lib in blas._BLAS]
    with blas.one_thread():
        assert all(lib.num_threads == 1 for lib in blas._BLAS)
    try:
        with blas.one_thread():
            raise RuntimeError("a failing product")
    except RuntimeError:
        pass
    assert [lib.num_threads for lib in blas._BLAS] == before


def test_concurrent_questions_leave_the_setting_as_it_was() -> None:
    before = [lib.num_threads for lib in blas._BLAS]
    matrix = np.ones((500, 64), dtype=np.float32)
    results: list[np.ndarray] = []

    def ask() -> None:
        for _ in range(50):
            results.append(blas.matvec(matrix, np.ones(64, dtype=np.float32)))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 200 and all(float(r[0]) == 64.0 for r in results)
    assert [lib.num_threads for lib in blas._BLAS] == before


def test_numpy_blas_is_found_here() -> None:
    # On this project's numpy wheels (bundled OpenBLAS) the limit applies; without it the tests above prove nothing.
    assert blas._BLAS, "numpy's BLAS library not found: the one-thread limit would silently do nothing"


def test_several_vectors_in_one_pass_score_bit_for_bit_as_one_at_a_time() -> None:
    # Against `matvec`, what answering used before: OpenBLAS's two threads split 2641 rows at an odd row,
    # and a row's score then differs in its last bits from one thread's, as a block of any size but a
    # multiple of the kernel's unrolling would (hence blocks of a power of two).
    rng = np.random.default_rng(11)
    for rows in (1, blas.BLOCK_ROWS - 1, blas.BLOCK_ROWS, 2641, 3 * blas.BLOCK_ROWS + 5):
        matrix = rng.standard_normal((rows, 384)).astype(np.float32)
        vectors = [rng.standard_normal(384).astype(np.float32) for _ in range(2)]
        together = blas.matvecs(matrix, vectors)
        assert all(np.array_equal(t, blas.matvec(matrix, v)) for t, v in zip(together, vectors, strict=True))


def test_products_of_some_rows_read_their_blocks_alone_and_score_them_bit_for_bit() -> None:
    # A question naming a level reads its candidates' vectors, not a large framework's all (index/search.py).
    rng = np.random.default_rng(12)
    matrix = rng.standard_normal((3 * blas.BLOCK_ROWS + 5, 384)).astype(np.float32)
    vector = rng.standard_normal(384).astype(np.float32)
    rows = np.zeros(len(matrix), dtype=bool)
    rows[[blas.BLOCK_ROWS + 3, len(matrix) - 1]] = True  # in the second block and the short last one
    some = blas.matvecs(matrix, [vector], rows)[0]
    whole = blas.matvec(matrix, vector)
    read = np.zeros(len(matrix), dtype=bool)
    read[blas.BLOCK_ROWS : 2 * blas.BLOCK_ROWS] = read[3 * blas.BLOCK_ROWS :] = True
    assert np.array_equal(some[read], whole[read])
    assert not some[~read].any()


def test_a_matrix_of_repeated_rows_scores_bit_for_bit_as_multiplied_whole() -> None:
    # Each distinct row is scored once in whole blocks of its own (index/search.py reads a framework's repeated
    # texts' vectors once); the rows of a short last block stay where the kernel's leftover rows were scored. As
    # `matvecs` scores them: a last block of one row is a one-row product, whose score differs from a whole one's.
    rng = np.random.default_rng(13)
    for rows in (blas.BLOCK_ROWS, 2 * blas.BLOCK_ROWS, 2 * blas.BLOCK_ROWS + 3, 2641, 5 * blas.BLOCK_ROWS + 1):
        distinct = rng.standard_normal((max(1, rows // 4), 384)).astype(np.float32)
        matrix = np.ascontiguousarray(distinct[rng.integers(0, len(distinct), rows)])
        repeated = blas.DistinctRows(matrix)
        vectors = [rng.standard_normal(384).astype(np.float32) for _ in range(2)]
        for _ in range(3):
            together = repeated.matvecs(vectors)
            assert all(np.array_equal(t, a) for t, a in zip(together, blas.matvecs(matrix, vectors), strict=True))
            vectors = [rng.standard_normal(384).astype(np.float32) for _ in range(2)]
