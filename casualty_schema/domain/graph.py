"""Cycles in a directed graph given as a polars frame of edges (``src``, ``dst``).

Used for ``parent_id`` trees and for chains of relations. Where every node has at most one
outgoing edge (a ``parent_id`` column always; ``updates`` chains nearly always), cycles are
found by pointer doubling: log2(n) self-joins, whatever the depth. Otherwise the graph is
first pruned of every edge that cannot lie on a cycle (polars), and what remains — empty
unless there is a cycle — goes through Tarjan's strongly connected components.
"""

from __future__ import annotations

import polars as pl


def cycle_edges(edges: pl.DataFrame) -> pl.DataFrame:
    """The edges (``src``, ``dst``) that lie on a cycle, self-loops included."""
    edges = edges.select("src", "dst").drop_nulls().unique()
    if edges.is_empty():
        return edges
    if edges.group_by("src").len().get_column("len").max() == 1:
        return _functional_cycle_edges(edges)
    return _general_cycle_edges(_prune(edges))


def _functional_cycle_edges(edges: pl.DataFrame) -> pl.DataFrame:
    """Every node has at most one successor: follow 2^k steps at once."""
    jump = edges.rename({"dst": "to"})  # node -> its 2^k-th successor
    steps = 1
    n = edges.height + 1
    while steps < n:
        jump = jump.join(jump.rename({"src": "to", "to": "next"}), on="to", how="inner").select(
            "src", pl.col("next").alias("to")
        )
        steps *= 2
        if jump.is_empty():
            return edges.clear()
    # after n or more steps, a node still moving is on a cycle or leads into one; where it
    # has arrived is on a cycle
    on_cycle = jump.select(pl.col("to").alias("src")).unique()
    return edges.join(on_cycle, on="src", how="semi")


def _prune(edges: pl.DataFrame) -> pl.DataFrame:
    """Drop edges from a node nothing points to, or to a node that points nowhere."""
    while True:
        targets = edges.select(pl.col("dst").alias("src")).unique()
        sources = edges.select(pl.col("src").alias("dst")).unique()
        kept = edges.join(targets, on="src", how="semi").join(sources, on="dst", how="semi")
        if kept.height == edges.height:
            return kept
        edges = kept


def _general_cycle_edges(edges: pl.DataFrame) -> pl.DataFrame:
    if edges.is_empty():
        return edges
    pairs = list(
        zip(edges.get_column("src").to_list(), edges.get_column("dst").to_list(), strict=True)
    )
    component = _tarjan(pairs)
    on_cycle = [(s, d) for s, d in pairs if s == d or component[s] == component[d]]
    return pl.DataFrame(on_cycle, schema=edges.schema, orient="row")


def _tarjan(pairs: list[tuple[object, object]]) -> dict[object, int]:
    """Strongly connected component of each node (iterative Tarjan)."""
    successors: dict[object, list[object]] = {}
    for s, d in pairs:
        successors.setdefault(s, []).append(d)
        successors.setdefault(d, [])
    index: dict[object, int] = {}
    low: dict[object, int] = {}
    component: dict[object, int] = {}
    stack: list[object] = []
    on_stack: set[object] = set()
    counter = 0
    for root in successors:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = successors[node]
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = index[node]
                    if member == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return component
