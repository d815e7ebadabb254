"""Settings: safe defaults, and production refuses to guess."""

from __future__ import annotations

import pytest

from crm import create_app
from crm.config import ConfigurationError

#: A key as `secrets.token_hex(32)` makes one: what production needs.
STRONG_KEY = "5f0c8e2a9b7d4c1e3a6f8b0d2c4e6a8f1b3d5e7c9a0b2d4f6e8a1c3b5d7f9e0a"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://localhost/hearth")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production", instance_path=str(tmp_path))


def test_production_refuses_to_start_without_a_database_url(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        create_app("production", instance_path=str(tmp_path))


def test_production_with_email_refuses_to_start_without_its_public_address(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("AUDIT_CHAIN_KEY", "y" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://localhost/hearth")
    monkeypatch.setenv("MAIL_SERVER", "smtp.council.example")
    monkeypatch.delenv("HEARTH_PUBLIC_URL", raising=False)
    with pytest.raises(ConfigurationError, match="HEARTH_PUBLIC_URL"):
        create_app("production", instance_path=str(tmp_path))
    monkeypatch.setenv("HEARTH_PUBLIC_URL", "https://hearth.council.example")
    assert create_app("production", instance_path=str(tmp_path)).config["PUBLIC_URL"]


def test_production_refuses_to_start_without_an_audit_chain_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://localhost/hearth")
    monkeypatch.delenv("AUDIT_CHAIN_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="AUDIT_CHAIN_KEY to be set"):
        create_app("production", instance_path=str(tmp_path))


def test_production_refuses_an_audit_chain_key_equal_to_the_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("AUDIT_CHAIN_KEY", STRONG_KEY)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://localhost/hearth")
    with pytest.raises(ConfigurationError, match="other than SECRET_KEY"):
        create_app("production", instance_path=str(tmp_path))


def test_development_generates_a_secret_key_once_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = create_app("development", instance_path=str(tmp_path))
    second = create_app("development", instance_path=str(tmp_path))
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_development_defaults_to_a_sqlite_file_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app("development", instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'hearth.db'}"


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    app = create_app("development", instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/elsewhere.db"


def test_the_test_suite_ignores_database_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://prod-host/live")
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    app = create_app("testing")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"


def test_an_unknown_config_name_is_refused():
    with pytest.raises(ConfigurationError, match="Unknown configuration"):
        create_app("staging-ish")


def test_session_cookies_are_httponly_and_samesite_lax(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("AUDIT_CHAIN_KEY", "y" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.db")
    app = create_app("production", instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_no_proxy_is_trusted_unless_proxy_hops_says_so(monkeypatch, tmp_path):
    monkeypatch.delenv("PROXY_HOPS", raising=False)
    assert create_app("development", instance_path=str(tmp_path)).config["PROXY_HOPS"] == 0
    monkeypatch.setenv("PROXY_HOPS", "1")
    assert create_app("development", instance_path=str(tmp_path)).config["PROXY_HOPS"] == 1


@pytest.mark.parametrize("hops", ["yes", "-1", "1.5"])
def test_proxy_hops_must_be_a_count_of_proxies(monkeypatch, tmp_path, hops):
    monkeypatch.setenv("PROXY_HOPS", hops)
    with pytest.raises(ConfigurationError, match="PROXY_HOPS"):
        create_app("development", instance_path=str(tmp_path))


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("Tr0ub4dor&3-short", "17 characters long; it needs at least 32"),
        ("x" * 40, "too few different characters"),
        ("0123456789abcdef" * 3, "repeats a short pattern"),
        ("testing-only-not-secret", "a known example value"),
        ("please-change-me-before-going-live-2025", "a known example value"),
    ],
)
def test_production_refuses_a_weak_secret_key(monkeypatch, tmp_path, key, why):
    """It signs every session cookie: a guessable one lets anyone sign in as anyone."""
    monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.db")
    with pytest.raises(ConfigurationError, match=f"SECRET_KEY is too weak for production: .*{why}"):
        create_app("production", instance_path=str(tmp_path))


def test_production_starts_with_a_random_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY[:32])
    monkeypatch.setenv("AUDIT_CHAIN_KEY", "y" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.db")
    assert create_app("production", instance_path=str(tmp_path)).config["SECRET_KEY"]
