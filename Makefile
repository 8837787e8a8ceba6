# The two commands: `make run` and `make test`. Both create the virtualenv when needed.
PYTHON ?= python3
NPM    ?= npm
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Translations of the pages: .po files in the repo, compiled to .mo here.
I18N   := app/web/translations
PO     := $(wildcard $(I18N)/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)
# Front-end assets from npm (package.json + package-lock.json), committed under vendor/.
VENDOR      := app/web/static/vendor
SWAGGER_UI  := $(VENDOR)/swagger-ui
TEST_VENDOR := tests/browser/vendor
# `make run PORT=8001` serves on another port.
PORT ?= 8000

.PHONY: run test install lint format bench clean assets messages translations browser-deps

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) $(MO)

$(I18N)/%/LC_MESSAGES/messages.mo: $(I18N)/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(MO)

## Re-extract the pages' texts and merge them into each language's .po file.
messages: $(STAMP)
	$(BIN)/pybabel extract -F app/web/babel.cfg -k _l -o $(I18N)/messages.pot app/web
	$(BIN)/pybabel update -N -i $(I18N)/messages.pot -d $(I18N)

## Refresh the vendored front-end assets from npm at the versions in package-lock.json.
assets:
	$(NPM) ci --ignore-scripts --no-audit --no-fund
	mkdir -p $(VENDOR) $(SWAGGER_UI) $(TEST_VENDOR)
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/pico.min.css
	cp node_modules/@picocss/pico/LICENSE.md $(VENDOR)/pico.LICENSE.md
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/htmx.org/LICENSE $(VENDOR)/htmx.LICENSE
	for f in swagger-ui-bundle.js swagger-ui-standalone-preset.js swagger-ui.css LICENSE NOTICE; do \
	  sed '\|^/[/*]# sourceMappingURL=|d' node_modules/swagger-ui-dist/$$f > $(SWAGGER_UI)/$$f; done
	cp node_modules/axe-core/axe.min.js $(TEST_VENDOR)/axe.min.js
	cp node_modules/axe-core/LICENSE $(TEST_VENDOR)/axe-core.LICENSE
	node -e 'const l=require("./package-lock.json").packages;for(const p of ["@picocss/pico","htmx.org","swagger-ui-dist","axe-core"])console.log(p+"@"+l["node_modules/"+p].version)' > $(VENDOR)/VERSIONS

## Debian's Chromium and a CJK font for the browser tests: installed when missing and
## possible (root with apt); otherwise the browser tests skip and say why.
browser-deps:
	@if [ -x /usr/bin/chromium ] && dpkg -s fonts-wqy-zenhei >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium and fonts-wqy-zenhei for the browser tests"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; } || \
	  echo "chromium could not be installed: the browser tests will skip"; \
	else echo "no /usr/bin/chromium and no root apt to install it: the browser tests will skip"; fi

## Start the embedded stack (web + worker + Redis + SQLite) with demo accounts, on PORT.
run: install
	$(BIN)/silkpost up --demo --port $(PORT)

## Run the whole test suite.
test: install browser-deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules test-output
	rm -f $(MO)
