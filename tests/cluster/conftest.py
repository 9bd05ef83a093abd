"""Fixtures for the production profile's tests (see cluster_support)."""

from __future__ import annotations

import pytest
from cluster_support import Cluster, load_cluster


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    """The running cluster (skip or fail when it is not running and healthy)."""
    return load_cluster()
