#!/bin/sh
# A private certificate authority and a server certificate signed by it, written to the current
# directory. Fine for a lab or a test; in production the CA key lives elsewhere, offline.
set -eu

# The CA: a key and a self-signed certificate (OpenSSL marks it CA:TRUE).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/CN=dbarch example CA" -keyout ca.key -out ca.crt 2>/dev/null

# The server: a key, a signing request, and a certificate whose subjectAltName lists every
# name a client may dial: clients check the name they connected to against this list.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName = DNS:localhost, IP:127.0.0.1\n' > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
    -extfile server.ext -out server.crt 2>/dev/null

# PostgreSQL refuses a key file that others can read.
chmod 600 ca.key server.key
rm server.csr server.ext
