"""Former home of :func:`benchmark.plotting.plot_kernel_density`; import it from :mod:`benchmark.plotting`."""

from benchmark.plotting import plot_kernel_density

__all__ = ["plot_kernel_density"]
