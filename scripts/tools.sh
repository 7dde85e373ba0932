# Sourced by scripts/test and scripts/bench: installs the Python tools (cargo-lambda with zig, SAM CLI,
# cfn-lint, moto, pytest, xmlschema) into .tools/venv and puts them on PATH, and the JUnit XML schema into .tools.
if [ ! -x .tools/venv/bin/python ]; then
  python3 -m venv .tools/venv
fi
.tools/venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
export PATH="$PWD/.tools/venv/bin:$PATH"
# The JUnit XML schema that CI tools read (Jenkins xunit's junit-10.xsd), from pytest's source distribution,
# checked by its hash (scripts/junit-schema.txt): the command line's reports are validated against it.
if [ ! -s .tools/junit-10.xsd ]; then
  junit_tmp=$(mktemp -d)
  .tools/venv/bin/pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    --require-hashes -r scripts/junit-schema.txt -d "$junit_tmp"
  tar -xzf "$junit_tmp"/pytest-*.tar.gz -C "$junit_tmp" --wildcards '*/testing/example_scripts/junit-10.xsd'
  mv "$junit_tmp"/pytest-*/testing/example_scripts/junit-10.xsd .tools/junit-10.xsd
  rm -rf "$junit_tmp"
fi
