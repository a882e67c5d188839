from __future__ import annotations

import pytest

from knowledge.engine import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load()
