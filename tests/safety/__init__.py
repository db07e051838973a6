"""Tests of the safety screen (bot/safety)."""
