"""The platform's own version; manifests state which platform versions they support."""

PLATFORM_VERSION = "1.0.0"
