#!/usr/bin/env bash
# Fails when a part of the bot includes a part it may not (the walls of DESIGN.md):
#   core      -> nothing but core
#   metrics   -> nothing
#   content   -> core
#   store     -> core, metrics
#   http      -> core, metrics
#   adapters  -> core, http, metrics (and their own folder; never another adapter)
#   engine    -> core, store, metrics
#   delivery  -> core, store, metrics
#   webhooks  -> core, engine, http, metrics, adapters
#   app       -> everything
# The build holds the coarse walls too (a library sees only the headers of what it links); this
# check also catches what a link lets through transitively (delivery -> engine, webhooks ->
# store). It also fails when a platform's name appears in bot/delivery.
set -euo pipefail
set -f  # the rules below are patterns, never file names
cd "$(dirname "$0")/.."

allowed() {  # the parts $1 may include, besides itself
  case "$1" in
    core | metrics) echo "" ;;
    content) echo "core" ;;
    store | http) echo "core metrics" ;;
    adapters/*) echo "core http metrics" ;;
    engine | delivery) echo "core store metrics" ;;
    webhooks) echo "core engine http metrics adapters/*" ;;
    app) echo "*" ;;
    *) echo "?" ;;
  esac
}

part_of() {  # bot/core/x.hpp -> core; adapters/slack/x.hpp -> adapters/slack
  case "$1" in
    bot/*) cut -d/ -f2 <<<"$1" ;;
    adapters/*) cut -d/ -f1-2 <<<"$1" ;;
    *) echo "" ;;
  esac
}

status=0
while IFS= read -r file; do
  from=$(part_of "$file")
  rules=$(allowed "$from")
  if [[ "$rules" == "?" ]]; then
    echo "check-layers: $file is in no known part (add it to scripts/check-layers.sh)"
    status=1
    continue
  fi
  while IFS= read -r line; do
    target=${line#*\"}
    target=${target%%\"*}
    to=$(part_of "$target")
    [[ -z "$to" || "$to" == "$from" ]] && continue
    ok=0
    for rule in $rules; do
      # shellcheck disable=SC2053  # the rule is a glob on purpose (adapters/*, *)
      if [[ "$to" == $rule ]]; then ok=1; fi
    done
    if ((!ok)); then
      echo "check-layers: $file includes $target ($from may not depend on $to)"
      status=1
    fi
  done < <(grep -E '^#include "(bot|adapters)/' "$file" || true)
done < <(git ls-files 'bot/*.cpp' 'bot/*.hpp' 'adapters/*.cpp' 'adapters/*.hpp')

if grep -rniE 'telegram|slack' bot/delivery; then
  echo "check-layers: bot/delivery names a platform (above); it must stay platform-neutral"
  status=1
fi

if ((status == 0)); then echo "layers: ok"; fi
exit $status
