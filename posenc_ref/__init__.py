"""posenc_ref: the executable reference for sinusoidal position encoding."""

__version__ = "0.1.0"
