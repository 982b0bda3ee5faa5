"""The HTTP edge: validate the request, call the engine, serialise the answer."""
