#!/bin/sh
# The one install sequence for careerfw, shared by the Makefile (a developer's or CI's .venv: editable,
# with the test and export extras) and the Dockerfile (its build stage: an exporting environment with
# torch, and the torch-free environment the image runs). Dependencies live in exactly two places:
# requirements/torch.txt (the torch pin) and pyproject.toml (everything else); nothing here lists a
# package.
#
#   sh requirements/install.sh PYTHON torch              pip itself, then torch (the image caches this layer)
#   sh requirements/install.sh PYTHON project SPEC...    the project, e.g. -e '.[test,export]', '.[export]' or .
#   sh requirements/install.sh PYTHON model [ARGS...]    export the model to ONNX (fp32 and int8), measure
#                                                        both against PyTorch on the eval questions and
#                                                        int8's answers against fp32's on every eval set,
#                                                        and record which serves; PYTHON needs the
#                                                        [export] extras. ARGS go to
#                                                        `python -m careerfw_tools.onnx_export` (e.g. --root DIR,
#                                                        --no-answers)
#   sh requirements/install.sh PYTHON all SPEC...        torch, project, model, in that order (the Makefile)
#
# torch goes in first so the project's install finds it satisfied and never resolves a multi-GB CUDA
# build. TORCH_INDEX_URL says where torch comes from: on a normal machine
# https://download.pytorch.org/whl/cpu (the CPU build, as the Dockerfile passes it); unset, pip's own
# configuration decides (on the team's machines, a CPU wheel on local disk).
#
# The model step runs from the repository root (the evaluation sets are read from tests/eval, their
# frameworks from ../shared when present) and writes nothing when the export is already up to date.
set -eu

python="$1"
step="$2"
shift 2

install_torch() {
    "$python" -m pip install --quiet --upgrade pip
    if [ -n "${TORCH_INDEX_URL:-}" ]; then
        "$python" -m pip install --quiet --index-url "$TORCH_INDEX_URL" -r requirements/torch.txt
    else
        "$python" -m pip install --quiet -r requirements/torch.txt
    fi
}

install_project() {
    if [ "$#" -eq 0 ]; then
        echo "install.sh: name what to install, e.g. -e '.[test,export]' or ." >&2
        exit 2
    fi
    "$python" -m pip install --quiet "$@"
}

export_model() {
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 "$python" -m careerfw_tools.onnx_export "$@"
}

case "$step" in
    torch) install_torch ;;
    project) install_project "$@" ;;
    model) export_model "$@" ;;
    all) install_torch; install_project "$@"; export_model ;;
    *) echo "install.sh: unknown step '$step' (torch, project, model or all)" >&2; exit 2 ;;
esac
