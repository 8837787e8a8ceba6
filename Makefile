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

.PHONY: run test install lint format bench clean assets messages translations browser-deps cjk-font

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) $(MO) cjk-font

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

## Install Debian packages $(1) when root with apt, else say $(2).
define apt_install
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing $(1)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq $(1) >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq $(1) >/dev/null; } || \
	  echo "$(1) could not be installed: $(2)"; \
	else echo "$(1) not installed and no root apt to install it: $(2)"; fi
endef

## The TrueType CJK font the PDF forms embed for Chinese, Japanese and Korean text
## (SILKPOST_CJK_FONT names another). Without one, forms with such text are refused and
## the tests that need the font skip, saying why.
CJK_FONT_FILE := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
cjk-font:
	@if [ -f "$(CJK_FONT_FILE)" ] || [ -f "$$SILKPOST_CJK_FONT" ]; then :; else \
	$(call apt_install,fonts-wqy-zenhei,PDF forms with Chinese or Korean text are refused and their tests skip); fi

## Debian's Chromium for the browser tests (the CJK font above shows the Chinese pages):
## installed when missing and possible; otherwise the browser tests skip and say why.
browser-deps: cjk-font
	@if [ -x /usr/bin/chromium ]; then :; else \
	$(call apt_install,chromium,the browser tests will skip); fi

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
