"""Tools' data directories on the host."""
