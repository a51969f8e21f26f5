"""Health checks of running tools over HTTP."""
