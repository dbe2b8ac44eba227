"""The MCP layer, the only package that imports the MCP SDK: the server object, its lifespan,
tools, resources and result shaping. Tools stay thin: validate, resolve, dispatch, shape."""

from .app import build_server

__all__ = ["build_server"]
