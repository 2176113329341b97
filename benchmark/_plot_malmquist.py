"""Former home of :func:`benchmark.plotting.plot_malmquist`; import it from :mod:`benchmark.plotting`."""

from benchmark.plotting import plot_malmquist

__all__ = ["plot_malmquist"]
