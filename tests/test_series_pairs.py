"""series.nesting's pruned pair search against the plain one, on random parts and wholes."""

from __future__ import annotations

import random

import polars as pl
import pytest

from casualty_schema.rules import series


def _random_frames(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = random.Random(seed)
    a_rows, b_rows = [], []
    for i in range(rng.randint(1, 60)):
        start = rng.randint(0, 40)
        end = start if rng.random() < 0.7 else start + rng.randint(1, 20)
        for pid in rng.sample(range(3), rng.randint(1, 2)):
            key = rng.randint(0, 2)
            a_rows.append((i, pid, start, end, rng.randint(0, 50), key))
    for j in range(rng.randint(0, 40)):
        start = rng.randint(0, 40)
        end = start if rng.random() < 0.3 else start + rng.randint(1, 30)
        b_rows.append((1000 + j, rng.randint(0, 2), start, end, rng.randint(0, 50)))
    a = pl.DataFrame(
        a_rows, schema=["id", "pid", "start", "end", "lower", "key"], orient="row"
    ).cast(pl.Int64)
    b = pl.DataFrame(
        b_rows, schema=["id_b", "key", "start_b", "end_b", "upper_b"], orient="row"
    ).cast(pl.Int64)
    return a, b


def _plain(a: pl.DataFrame, b: pl.DataFrame) -> set[tuple[int, int, int]]:
    """Every (part row, whole) pair by brute force."""
    pairs = a.join(b, on="key").filter(
        (pl.col("start") >= pl.col("start_b"))
        & (pl.col("end") <= pl.col("end_b"))
        & (pl.col("lower") > pl.col("upper_b"))
    )
    return set(pairs.select("id", "id_b", "pid").iter_rows())


@pytest.mark.parametrize("seed", range(200))
def test_pruned_pairs_are_the_plain_pairs(seed: int) -> None:
    a, b = _random_frames(seed)
    assert set(series._met(a, b).iter_rows()) == _plain(a, b)
