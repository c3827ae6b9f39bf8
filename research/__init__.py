"""The research engine as a plain library: usable without Temporal or a database."""
