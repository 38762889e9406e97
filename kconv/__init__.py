"""kconv: convert docker-compose projects to Kubernetes manifests and lint Kubernetes manifests.

Importing the package is cheap on purpose: it only defines the version. Everything else is
imported lazily by the command that needs it.
"""

__version__ = "0.1.0"
