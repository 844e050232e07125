from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests explore new examples on every run at a desk; under CI (CI set, as GitHub
# Actions and .ci/run set it) they run the same examples every time, so that a contribution's
# verdict does not depend on the draw. A failure found at a desk is kept as an @example.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def state_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's state directory (where a release keeps its journal), for the tests only."""
    state = tmp_path_factory.mktemp("state")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_STATE_HOME", str(state))
        yield state


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def descriptor() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def claims() -> list[dict[str, str]]:
    return read_csv(ROOT / "data" / "claims.csv")


@pytest.fixture(scope="session")
def sources() -> list[dict[str, str]]:
    return read_csv(ROOT / "data" / "sources.csv")
