# The two commands of the contract: `make demo` and `make test` (both set up .venv on a fresh clone).
PY ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
DEMOSTAMP := $(VENV)/.installed-demo

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -e .
	touch $(STAMP)

$(TESTSTAMP): $(STAMP)
	$(VPY) -m pip install -q -e ".[test]"
	touch $(TESTSTAMP)

# the demo trains LeNet on the bundled digits; TensorBoard logging and tqdm bars are optional extras
$(DEMOSTAMP): $(STAMP)
	$(VPY) -m pip install -q -e ".[tensorboard,progress]" || echo "(no tensorboard/tqdm: the demo runs without them)"
	touch $(DEMOSTAMP)

demo: $(DEMOSTAMP)
	$(VPY) examples/lenet_mnist.py

test: $(TESTSTAMP)
	$(VPY) -m pytest -n 2 tests

bench: $(TESTSTAMP)
	$(VPY) bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
