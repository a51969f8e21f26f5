"""The TLS part of the gateway's configuration: which names get a certificate, from whom."""

from __future__ import annotations

import ipaddress
from typing import Any

from domain.gateway.routes import RouteTable
from infra.gateway.caddy.site import GatewaySite, TlsMode

App = dict[str, Any]


def subjects(table: RouteTable, site: GatewaySite) -> list[str]:
    """The base domain and every tool's names; with the local CA also a wildcard (so an
    unknown name still gets its 404 page over HTTPS) and the listen address if it is an IP."""
    names = {site.base_domain}
    names.update(host for route in table.routes for host in route.hosts)
    if site.tls is TlsMode.INTERNAL:
        names.add(f"*.{site.base_domain}")
        if _is_specific_ip(site.listen_host):
            names.add(site.listen_host)
    return sorted(names)


def tls_apps(table: RouteTable, site: GatewaySite) -> dict[str, App]:
    """The `tls` app (and `pki` for the local CA), or nothing when TLS is off."""
    if not site.uses_tls:
        return {}
    names = subjects(table, site)
    apps: dict[str, App] = {
        "tls": {
            "certificates": {"automate": names},
            "automation": {"policies": [{"subjects": names, "issuers": [_issuer(site)]}]},
        }
    }
    if site.tls is TlsMode.INTERNAL:
        # The root stays MACHETE's to hand out (`root_certificate`), never installed in the
        # system's trust store.
        apps["pki"] = {"certificate_authorities": {"local": {"install_trust": False}}}
    return apps


def _issuer(site: GatewaySite) -> App:
    if site.tls is TlsMode.INTERNAL:
        return {"module": "internal"}
    issuer: App = {"module": "acme"}
    if site.acme_email:
        issuer["email"] = site.acme_email
    return issuer


def _is_specific_ip(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_unspecified
