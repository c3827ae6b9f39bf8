"""The HTTP API: thin FastAPI endpoints over services, the store and Temporal."""
