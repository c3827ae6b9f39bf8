"""All queries live here; services and activities call these functions."""
