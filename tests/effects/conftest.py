from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.effects.olad import Olad, running_olad


@pytest.fixture(scope="module")
def olad() -> Iterator[Olad]:
    with running_olad() as daemon:
        yield daemon
