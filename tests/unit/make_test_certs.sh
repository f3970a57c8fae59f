#!/bin/sh
# make_test_certs.sh DIR: the certificates tests/unit/test_conn.c serves,
# made fresh in DIR (which must exist) with the openssl command line.
# P-256 keys, valid for two days:
#   ca.crt/ca.key             a test CA ("pipeminer test CA")
#   localhost.crt/.key        signed by the CA, DNS name "localhost"
#   wrong.crt/.key            signed by the CA, DNS name "wrong.example"
#   self.crt/.key             self-signed, DNS name "localhost"
# Exits non-zero (with openssl's message on stderr) if any step fails.
set -eu
d=$1

key() { # key FILE
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
}

leaf() { # leaf NAME DNSNAME SERIAL: a server certificate signed by the CA
	key "$d/$1.key"
	openssl req -new -key "$d/$1.key" -subj "/CN=$2" -out "$d/$1.csr"
	printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:%s\n' "$2" >"$d/$1.ext"
	openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
		-set_serial "$3" -days 2 -extfile "$d/$1.ext" -out "$d/$1.crt" 2>/dev/null
	rm -f "$d/$1.csr" "$d/$1.ext"
}

key "$d/ca.key"
openssl req -x509 -new -key "$d/ca.key" -subj "/CN=pipeminer test CA" -days 2 \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$d/ca.crt"
leaf localhost localhost 2
leaf wrong wrong.example 3
key "$d/self.key"
openssl req -x509 -new -key "$d/self.key" -subj "/CN=localhost" -days 2 \
	-addext "subjectAltName=DNS:localhost" -out "$d/self.crt"
