"""The package version, in the foundation layer so that any module can name it."""

VERSION = "0.1.0"
