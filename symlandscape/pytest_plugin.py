"""pytest plugin of symlandscape (registered through the ``pytest11`` entry point)."""
