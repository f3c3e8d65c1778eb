# careerfw: one image for the Slack app (Socket Mode by default, HTTP with CAREERFW_MODE=http).
# The install steps are requirements/install.sh, the same script the Makefile runs, so the image and
# a developer's .venv get the same packages from the same two files (requirements/torch.txt,
# pyproject.toml). The model is exported to ONNX and the index built here, so a container answers from
# its first second without writing anything, and without torch: the runtime stage carries only the
# torch-free environment (onnxruntime + tokenizers) and the export.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
# The CPU build of torch: without this index pip takes the multi-GB CUDA build from PyPI.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1
WORKDIR /src
# Two environments: /opt/export (torch, sentence-transformers and the ONNX exporter) lives only in this
# stage; /opt/venv (the project without torch) is what the image runs.
RUN python -m venv /opt/export && python -m venv /opt/venv
# torch first, in its own layer: it is the biggest and changes least often.
COPY requirements/ requirements/
RUN TORCH_INDEX_URL="${TORCH_INDEX_URL}" sh requirements/install.sh /opt/export/bin/python torch
COPY pyproject.toml README.md ./
COPY bot/ bot/
COPY index/ index/
COPY careerfw_tools/ careerfw_tools/
RUN sh requirements/install.sh /opt/export/bin/python project '.[export]' \
    && sh requirements/install.sh /opt/venv/bin/python project .
# The export, measured against PyTorch on the evaluation questions, goes into the runtime environment
# (its default place, <venv>/share/careerfw/onnx); then the torch-free environment checks the content and
# embeds it, proving it loads the export offline and leaving a ready index in the image.
COPY tests/eval/ tests/eval/
COPY content/ content/
COPY content/ /app/content/
RUN sh requirements/install.sh /opt/export/bin/python model --root /opt/venv/share/careerfw/onnx \
    && /opt/venv/bin/careerfw check --content /app/content \
    && /opt/venv/bin/careerfw index build --content /app/content --index /app/index

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="careerfw" \
      org.opencontainers.image.description="Slack and Teams bot that answers career-framework questions by quoting the framework"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    CAREERFW_CONTENT=/app/content \
    CAREERFW_INDEX=/app/index \
    CAREERFW_STATE_DB=/data/state.db \
    CAREERFW_MODE=socket \
    CAREERFW_PORT=3000
# A fixed, unprivileged uid so Kubernetes can check runAsNonRoot and volumes can be chowned to it.
RUN groupadd --system --gid 10001 careerfw \
    && useradd --system --no-log-init --uid 10001 --gid careerfw --home-dir /home/careerfw --create-home careerfw \
    && mkdir -p /data \
    && chown careerfw:careerfw /data
# Only the torch-free environment: /opt/export stays behind in the build stage.
COPY --from=build /opt/venv /opt/venv
# The index directory stays writable by the app so a hot reload (SIGHUP) can build the next version.
COPY --from=build --chown=careerfw:careerfw /app /app
WORKDIR /app
USER 10001:10001
VOLUME ["/data"]
EXPOSE 3000
# /healthz answers 200 only once the model and index are loaded; slim has no curl, so Python asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('CAREERFW_PORT', '3000'), timeout=4)"]
CMD ["careerfw", "run"]
