#!/usr/bin/env bash
# Stops Kafka and PostgreSQL (data is kept; `scripts/infra/kafka.sh reset` wipes Kafka's).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$here/kafka.sh" stop
"$here/postgres.sh" stop
