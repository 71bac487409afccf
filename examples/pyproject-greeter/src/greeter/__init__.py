"""A greeting service packaged with pyproject.toml and installed with `pip install .`."""
