"""The metrics engine: every figure a manager sees is computed here and only here."""
