"""Catalog tooling built on babel.messages: extraction, merge, compile and the CI check."""
