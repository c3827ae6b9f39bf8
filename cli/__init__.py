"""The leadex-server command."""
