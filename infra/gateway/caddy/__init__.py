"""The gateway as Caddy: its JSON configuration, its admin API, and the process MACHETE runs."""
