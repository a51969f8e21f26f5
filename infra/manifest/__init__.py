"""`machete.yml` read from a checkout, parsed with PyYAML and validated by the domain."""
