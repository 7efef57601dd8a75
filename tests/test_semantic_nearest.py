"""The coarse meaning pass finds the same nearest entries and cosines as the full product."""

from __future__ import annotations

import dataclasses

import numpy as np

from faq.semantic import COARSE_FROM_ROWS, index_from_vectors


def _clustered_index(entries: int = 600, per_entry: int = 6, seed: int = 3):
    rng = np.random.default_rng(seed)
    # Like sentence vectors: most of the spread lies in a few directions, and a phrasing lies
    # near its entry's other phrasings.
    mixing = rng.normal(size=(60, 256))
    rows = []
    for _ in range(entries):
        base = rng.normal(size=60)
        rows += [(base + 0.5 * rng.normal(size=60)) @ mixing for _ in range(per_entry)]
    vectors = np.array(rows) + 0.8 * rng.normal(size=(len(rows), 256))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    owners = np.repeat(np.arange(entries), per_entry).astype(np.intp)
    return index_from_vectors(vectors.astype(np.float32), owners, entries), rng


def test_coarse_pass_keeps_the_nearest_entries_and_their_exact_cosines() -> None:
    index, rng = _clustered_index()
    assert len(index.vectors) >= COARSE_FROM_ROWS and index.coarse is not None
    full = dataclasses.replace(index, coarse=None)
    for trial in range(90):
        # Near a phrasing, or anywhere (where the first guesses by bound are often wrong).
        near = index.vectors[rng.integers(len(index.vectors))] if trial % 2 else 0.0
        vector = near + 0.5 * rng.normal(size=256)
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        also = rng.integers(index.entries, size=4).tolist()
        count = (0, 1, 3, 10)[trial % 4]
        got = index.nearest_to(vector, count, also)
        want = full.nearest_to(vector, count, also)
        assert got.keys() == want.keys()
        for number, cosine in want.items():
            assert abs(got[number] - cosine) <= 1e-6


def test_small_bases_use_the_full_product() -> None:
    index, _ = _clustered_index(entries=50)
    assert index.coarse is None
    vector = index.vectors[7]
    got = index.nearest_to(vector, 3, [40])
    assert set(got) >= {1, 40} and abs(got[1] - 1.0) < 1e-5


def test_a_vector_of_nothing_gives_every_entry_minus_one() -> None:
    index, _ = _clustered_index()
    got = index.nearest_to(np.full(256, np.nan, dtype=np.float32), 10, [5])
    assert 5 in got and len(got) >= 10 and set(got.values()) == {-1.0}
