#!/usr/bin/env bash
# Starts the real infrastructure (Kafka + PostgreSQL) and waits until both serve requests.
# Progress/errors go to stderr; stdout carries only the environment for the project:
#   eval "$(scripts/infra/up.sh)"
#   scripts/infra/up.sh | sed 's/^export //' >>"$GITHUB_ENV"     # GitHub Actions
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Kafka's JVM boots in the background while PostgreSQL starts: the two waits overlap.
# >&2: whatever these print must never end up in the caller's eval.
"$here/kafka.sh" start >&2
"$here/postgres.sh" start >&2
"$here/kafka.sh" wait >&2

echo "export KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-9092}"
# The same broker's SASL_PLAINTEXT listener (user tuxhat): for the SASL integration test only.
# The services keep KAFKA_BROKERS; they log in only when given KAFKA_SASL_MECHANISM.
echo "export KAFKA_SASL_BROKERS=127.0.0.1:${KAFKA_SASL_PORT:-9094}"
# Its SSL listener, which requires a client certificate, and the development CA and client
# certificate kafka.sh made for it: for the mutual TLS integration test only. Not KAFKA_SSL_*:
# the services must not pick them up.
kafka_tls="${KAFKA_STATE_DIR:-${TUXHAT_ROOT:-$(cd "$here/../.." && pwd)}/.local/kafka}/tls" # as kafka.sh
echo "export KAFKA_MTLS_BROKERS=127.0.0.1:${KAFKA_MTLS_PORT:-9095}"
echo "export KAFKA_MTLS_CA_FILE=$kafka_tls/ca.crt"
echo "export KAFKA_MTLS_CERT_FILE=$kafka_tls/client.crt"
echo "export KAFKA_MTLS_KEY_FILE=$kafka_tls/client.key"
echo "export DATABASE_URL=$("$here/postgres.sh" url)"
