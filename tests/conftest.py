"""Shared fixtures: the bundled catalog, evaluators for both engines, the seed examples, the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from itaku.cli.main import main
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluator
from itaku.engine.profiles import default_catalog

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED = sorted((EXAMPLES / "seed").glob("*.yaml"))


@pytest.fixture(autouse=True)
def no_user_profile(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests judge with the default profile, whatever the user running them has configured."""
    monkeypatch.delenv("ITAKU_PROFILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "no-config"))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture(scope="session")
def durable(catalog: Catalog) -> Evaluator:
    return Evaluator(catalog, "durable")


@pytest.fixture(scope="session")
def reference(catalog: Catalog) -> Evaluator:
    return Evaluator(catalog, "reference")


def invoke(*args: Any) -> Result:
    """Run `itaku ARGS...` in-process; returns click's Result (exit_code, stdout, stderr)."""
    return CliRunner(mix_stderr=False).invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def cli():
    """`invoke`, for the tests that take it as a fixture."""
    return invoke


# ------------------------------------------------------------------ the web page (tests/test_web_*.py)

PAGE = "http://127.0.0.1"


@pytest.fixture(scope="module")
def app() -> Any:
    """The self-check page's application, one per test module."""
    from itaku.outputs import render
    from itaku.web.app import create_app

    return create_app(render)


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    """An HTTP client on the page, as a browser on the loopback address."""
    from starlette.testclient import TestClient

    with TestClient(app, base_url=PAGE) as c:
        yield c


@pytest.fixture
def token(client: Any) -> str:
    """The page's cross-site token, as a browser gets it by opening the page."""
    from web_support import token_of

    return token_of(client)
