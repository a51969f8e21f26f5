"""Loopback network helpers."""
