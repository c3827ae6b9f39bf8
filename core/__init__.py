"""Shared kernel: settings, ids, clock and the error hierarchy used by every layer."""
