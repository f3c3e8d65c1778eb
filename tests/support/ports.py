"""The one free-port helper: `careerfw loadtest` needs it too, so it lives with the loopback stand-ins."""

from careerfw_tools.loopback import free_port

__all__ = ["free_port"]
