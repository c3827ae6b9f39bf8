"""Outbound connections to integrators' systems: webhook deliveries and CRM adapters.

Plain library code (no Temporal, no database): activities call it."""
