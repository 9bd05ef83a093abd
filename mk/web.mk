# The web chat (issue 5): the rasa-webchat page in web/, served by `rasa run` itself (channels/webpage.py).
#
#   make web        npm packages if needed, then the action server + rasa run on http://127.0.0.1:$(WEB_PORT)/
#   make web-test   the browser test (Debian's Chromium driven by Playwright) against the real servers
#
# Settings: WEB_PORT (default 5005), PRACTICE_ALLOWED_ORIGINS, PRACTICE_REPORTS_DIR (see scripts/web).

WEB_PORT   ?= 5005
# npm ci runs only when the lock (or package.json) is newer than this stamp.
WEB_STAMP  := web/node_modules/.installed
# The browser the test drives: Debian's, never one downloaded by Playwright.
CHROMIUM   ?= /usr/bin/chromium

.PHONY: web web-deps web-browser web-test

web-deps: $(WEB_STAMP) ## Install the web chat's npm packages (npm ci in web/; skipped when up to date)

$(WEB_STAMP): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "ERROR: the web chat needs Node.js 18+ with npm (Debian: apt-get install nodejs npm)." >&2; exit 1; }
	@echo ">>> Installing the web chat's npm packages (npm ci in web/)"
	@start=$$(date +%s); cd web && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error; \
	  echo ">>> web/node_modules ready in $$(( $$(date +%s) - start )) s"
	@touch $@

web: $(RASA_STAMP) $(COACH_READY) $(MODEL) $(WEB_STAMP) ## The web chat: action server + rasa run on 127.0.0.1:$(WEB_PORT) (Ctrl-C stops both)
	@WEB_PORT=$(WEB_PORT) scripts/web --model $(MODEL)

web-browser:
	@[ -x "$(CHROMIUM)" ] || scripts/apt-install chromium

# E2E_REQUIRED makes the test fail, not skip, when an environment, the model, the npm packages or Chromium is
# missing. Screenshots go to results/web/.
web-test: $(RASA_STAMP) $(COACH_READY) $(MODEL) $(WEB_STAMP) web-browser ## Browser test of the web chat (Chromium + Playwright)
	E2E_REQUIRED=1 PRACTICE_MODEL=$(MODEL) CHROMIUM=$(CHROMIUM) scripts/pytest-nonempty $(APY) tests/web
