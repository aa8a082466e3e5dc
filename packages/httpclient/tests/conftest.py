"""Shared fixtures of the client's tests."""
