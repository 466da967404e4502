#!/usr/bin/env bash
# Client benchmark: janus-bench client (the real OpenAIClient on libcurl) against the asyncio
# test server on 127.0.0.1. Per scenario: wall time, client CPU (user+sys), peak RSS; for the
# fault mix, the server's request count against successes + recorded failed attempts.
# CLIENT_BENCH_POLL=1 adds scenario b on the curl_multi_poll driver.
set -euo pipefail
BIN=${JANUS_BIN:?set by bench/run.sh}
BENCH="$(dirname "$BIN")/janus-bench"
[ -x "$BENCH" ] || { echo "janus-bench not built next to $BIN" >&2; exit 1; }
WORK=$(mktemp -d /tmp/janus-bench-client.XXXXXX)
command -v /usr/bin/time >/dev/null || {
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq time >/dev/null 2>&1 || true
}
# 5,000 connections on each side of the loopback: raise the open-file limit to the hard limit.
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 12000 ] || echo "warning: open-file limit $(ulimit -n) is low for 5,000 connections" >&2

python3 Tests/testserver/chat_server.py --port 0 >"$WORK/port" 2>"$WORK/server.log" &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$WORK/port")
URL="http://127.0.0.1:$PORT"

control() { curl -sf -X POST "$URL/control" -d "$1" >/dev/null; }
stat() { curl -sf "$URL/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
field() { python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

printf "%-12s %8s %6s %8s %8s %8s %8s  %s\n" scenario requests conc latency wall_s cpu_s rss_MB target
run() { # $1 name, $2 requests, $3 concurrency, $4 latency, $5 control json, $6 target text, extra args
    local name=$1 n=$2 c=$3 lat=$4 ctl=$5 target=$6
    shift 6
    control "$ctl"
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/$name.time" \
        "$BENCH" client --base-url "${CLIENT_URL:-$URL}" --requests "$n" --concurrency "$c" "$@" >"$WORK/$name.json"
    read -r wall user sys rss <"$WORK/$name.time"
    awk -v s="$name" -v n="$n" -v c="$c" -v l="$lat" -v w="$wall" -v u="$user" -v y="$sys" -v m="$rss" -v t="$target" \
        'BEGIN { printf "%-12s %8d %6d %8s %8.2f %8.2f %8.0f  %s\n", s, n, c, l, w, u + y, m / 1024, t }'
}

run a-20k-c1000 20000 1000 0.5s '{"reset":true,"latency":0.5,"rates":{}}' "wall<=12 cpu<=5 rss<=150"
run b-50k-c5000 50000 5000 5s '{"reset":true,"latency":5,"rates":{}}' "wall<=60 (bound 50)" --window 10000
# The same load on curl_multi_poll instead of epoll, for comparison (CLIENT_BENCH_POLL=1).
if [ "${CLIENT_BENCH_POLL:-0}" = 1 ]; then
    JANUS_CURL_DRIVER=poll run b-poll 50000 5000 5s '{"reset":true,"latency":5,"rates":{}}' "compare with b" --window 10000
fi
run c-faults 10000 200 0.05s \
    '{"reset":true,"latency":0.05,"rates":{"429":0.10,"500":0.05,"reset":0.02},"retry_after_ms":50,"seed":1}' \
    "all complete; server requests = ok + failed attempts" --max-attempts 10
echo
for name in a-20k-c1000 b-50k-c5000; do
    echo "$name: $(cat "$WORK/$name.json")"
done
echo "c-faults: $(cat "$WORK/c-faults.json")"
served=$(stat requests)
ok=$(field "$WORK/c-faults.json" "d['attempts'].get('ok', 0)")
failed=$(field "$WORK/c-faults.json" "sum(v for k, v in d['attempts'].items() if k != 'ok')")
complete=$(field "$WORK/c-faults.json" "d['succeeded'] + sum(d['failed'].values())")
verdict=$([ "$served" -eq $((ok + failed)) ] && [ "$complete" -eq 10000 ] && echo PASS || echo FAIL)
echo "c-faults: completed $complete of 10000; server requests $served vs successes $ok + failed attempts $failed = $((ok + failed)): $verdict"

# d: scenario a over HTTPS with HTTP/2: nginx (self-signed certificate, 1,024 streams a
# connection) in front of the same server; the client trusts the certificate via --ca-bundle.
NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/tls.key" -out "$WORK/tls.pem" 2>/dev/null
TLS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
master_process off;
pid $WORK/nginx.pid;
worker_rlimit_nofile 16384;
events { worker_connections 8192; }
http {
    log_format conn '\$connection \$server_protocol \$status';
    access_log $WORK/access.log conn;
    client_body_temp_path $WORK/body;
    proxy_temp_path $WORK/proxy;
    upstream chat { server 127.0.0.1:$PORT; keepalive 1024; }
    server {
        listen 127.0.0.1:$TLS_PORT ssl http2;
        ssl_certificate $WORK/tls.pem;
        ssl_certificate_key $WORK/tls.key;
        keepalive_requests 1000000;
        http2_max_concurrent_streams 1024;
        location / { proxy_pass http://chat; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
    }
}
CONF
"$NGINX_BIN" -p "$WORK/" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
NGINX=$!
trap 'kill -9 "$NGINX" 2>/dev/null || true; cleanup' EXIT INT TERM
sleep 1
CLIENT_URL="https://127.0.0.1:$TLS_PORT" run d-https-h2 20000 1000 0.5s '{"reset":true,"latency":0.5,"rates":{}}' \
    "compare with a" --ca-bundle "$WORK/tls.pem"
echo "d-https-h2: $(cat "$WORK/d-https-h2.json")"
echo "d-https-h2: $(awk '{print $2}' "$WORK/access.log" | sort | uniq -c | xargs) over $(awk '{print $1}' "$WORK/access.log" | sort -u | wc -l) connection(s)"
