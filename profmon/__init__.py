"""profmon: yearly monitoring of career guidance in the region's schools."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("profmon")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
