"""The Dockerfile and the Kubernetes manifests in deploy/."""
