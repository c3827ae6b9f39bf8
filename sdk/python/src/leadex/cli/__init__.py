"""The ``leadex`` command line (needs the ``cli`` extra: click and rich)."""
