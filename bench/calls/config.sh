#!/usr/bin/env bash
# Writes the Trunkline config of the calls bench to stdout.
# Usage: config.sh SIP_PORT UAS_PORT DB_DIR [TRACES]
#   SIP_PORT  where Trunkline listens (UDP 127.0.0.1)
#   UAS_PORT  the SIPp callee on 127.0.0.1: the callee trunk's target and only peer
#   DB_DIR    an empty temp directory for the H2 file (CDRs and SIP traces go there)
#   TRACES    on (default: every message traced, the server's default) or off (traces.enabled: false)
# The caller trunk takes every other loopback source (127.0.0.0/8: SIPp may pick its own port when
# the usual one is busy); the callee trunk's peer 127.0.0.1:UAS_PORT is more specific, so it wins
# for the callee. routes: "" sends every called number (the harness calls "service") to the callee.
# EXTRA_YAML (env), when set, is appended as it is (e.g. "sip: {threads: 1}"); API_PORT (env), when
# set, turns the admin API on at 127.0.0.1:API_PORT (counters such as udp_handoffs), else it is off.
# DB_URL_SUFFIX (env), when set, is appended to the H2 URL (H2 settings, e.g. ";ANALYZE_AUTO=0").
set -euo pipefail
SIP_PORT="${1:?usage: config.sh SIP_PORT UAS_PORT DB_DIR [TRACES]}"; UAS_PORT="${2:?}"; DB_DIR="${3:?}"
TRACES="${4:-on}"; [[ $TRACES == on || $TRACES == off ]] || { echo "TRACES must be on or off" >&2; exit 2; }
cat <<YAML
listen:
  - {transport: udp, address: 127.0.0.1, port: $SIP_PORT}
database:
  url: "jdbc:h2:file:$DB_DIR/trunkline${DB_URL_SUFFIX:-}"
$([[ -n "${API_PORT:-}" ]] && echo "api: {address: 127.0.0.1, port: $API_PORT}" || echo "api: {enabled: false}")
traces: {enabled: $([[ $TRACES == on ]] && echo true || echo false)}
trunks:
  - {name: sipp-caller, mode: ip, peers: ["127.0.0.0/8"]}
  - {name: sipp-callee, mode: ip, peers: ["127.0.0.1:$UAS_PORT"], target: "sip:127.0.0.1:$UAS_PORT",
     health: off}
routes:
  - {prefix: "", trunks: [sipp-callee]}
YAML
[[ -z "${EXTRA_YAML:-}" ]] || printf '%s\n' "$EXTRA_YAML"
