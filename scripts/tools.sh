# Sourced by scripts/test and scripts/bench: installs the Python tools (cargo-lambda with zig, SAM CLI,
# cfn-lint, moto, pytest) into .tools/venv and puts them on PATH.
if [ ! -x .tools/venv/bin/python ]; then
  python3 -m venv .tools/venv
fi
.tools/venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
export PATH="$PWD/.tools/venv/bin:$PATH"
