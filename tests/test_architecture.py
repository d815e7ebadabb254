"""Dependencies point inward (views -> services/queries -> domain/models), kept by
import-linter's contracts in pyproject.toml rather than by good intentions."""

from __future__ import annotations

import ast
import logging
import uuid
from logging import Logger
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def lint(*contracts: str) -> int:
    # import-linter configures logging with every existing logger disabled, which would
    # silence Hearth's loggers for the tests that run after this module: put them back.
    loggers = [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, Logger)]
    enabled = [lg for lg in loggers if not lg.disabled]
    try:
        return lint_imports(
            config_filename=str(ROOT / "pyproject.toml"),
            limit_to_contracts=contracts,
            no_cache=True,
            no_logo=True,
        )
    finally:
        for logger in enabled:
            logger.disabled = False


def test_every_import_contract_is_kept():
    assert lint() == 0


def lint_with_probe(package: str, source: str, contract: str) -> int:
    """Lint `contract` with a module of `source` dropped into `package` for the run."""
    probe = ROOT / "crm" / package / f"_probe_{uuid.uuid4().hex}.py"
    probe.write_text(source)
    try:
        return lint(contract)
    finally:
        probe.unlink()


def test_the_contract_fails_when_the_core_imports_a_blueprint():
    found = lint_with_probe(
        "metrics", "from crm.households import views  # noqa: F401\n", "core-points-inward"
    )
    assert found == 1
    assert lint("core-points-inward") == 0


def test_the_contract_fails_when_the_domain_reaches_for_the_database():
    assert lint_with_probe("domain", "import sqlalchemy  # noqa: F401\n", "domain-is-pure") == 1


def imports_of_test_modules(source: str) -> list[str]:
    """The test modules a test file imports (helpers live in tests/*.py without test_)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return [name for name in names if name.rsplit(".", 1)[-1].startswith("test_")]


def test_no_test_module_imports_another():
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in (ROOT / "tests").rglob("*.py")
        if (found := imports_of_test_modules(path.read_text()))
    }
    assert offenders == {}


def test_an_import_of_a_test_module_is_found():
    assert imports_of_test_modules("from tests.test_public_form import GOOD\n") == [
        "tests.test_public_form"
    ]


def test_the_contract_fails_when_a_figure_reads_a_list_query():
    found = lint_with_probe(
        "metrics", "from crm.queries import cases  # noqa: F401\n", "lists-sit-on-top"
    )
    assert found == 1
    assert lint("lists-sit-on-top") == 0
