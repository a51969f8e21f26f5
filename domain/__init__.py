"""The MACHETE domain: entities, rules, ports and use cases. Imports only the standard library."""
