#!/usr/bin/env bash
# Makes sure PostgreSQL, MariaDB, NATS (with JetStream) and RabbitMQ answer on 127.0.0.1 (starting them
# if this machine has them stopped) and that the test databases exist. Connection settings come from
# ES_PG_URL / ES_MYSQL_URL if set.
set -euo pipefail

wait_for() { # name, probe command...
  local name=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "databases: $name does not answer" >&2; return 1
}

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "databases: starting PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
wait_for PostgreSQL pg_isready -h 127.0.0.1 -p 5432 -q

if ! mysqladmin -h 127.0.0.1 -uroot ping >/dev/null 2>&1; then
  echo "databases: starting MariaDB" >&2
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
wait_for MariaDB mysqladmin -h 127.0.0.1 -uroot ping

# NATS with JetStream (@es/nats-jetstream) on 4222: a running server greets each client with INFO.
nats_up() ( exec 3<>/dev/tcp/127.0.0.1/4222 && head -c 4 <&3 | grep -q INFO )
if ! nats_up 2>/dev/null; then
  echo "databases: starting NATS" >&2
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
fi
wait_for NATS nats_up

# RabbitMQ (@es/rabbitmq), guest/guest on 5672. The node can answer `rabbitmqctl status` while it is
# still booting, so wait for the AMQP port the tests use as well.
if ! rabbitmqctl -q status >/dev/null 2>&1; then
  echo "databases: starting RabbitMQ" >&2
  rabbitmq-server -detached || true
fi
wait_for RabbitMQ rabbitmqctl -q status
wait_for "RabbitMQ (AMQP port)" bash -c 'exec 3<>/dev/tcp/127.0.0.1/5672'

# One database per package (and example), so suites running side by side never share tables.
for db in es_test es_drizzle es_typeorm es_prisma es_mikro_orm es_nestjs es_opentelemetry es_cli es_ui es_examples es_example_nestjs_typeorm es_bench; do
  psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -d postgres -qc "create database $db"
  mysql -h 127.0.0.1 -uroot -e "create database if not exists $db"
done
echo "databases: PostgreSQL, MariaDB, NATS and RabbitMQ ready" >&2
