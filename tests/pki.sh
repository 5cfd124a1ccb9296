# Test key material made fresh in the trash folder with openssl(1): sourced
# by the signing tests after lib.sh.  make_pki creates, in the current folder:
#   ca.pem ca.key            a root CA
#   inter.pem inter.key      an intermediate CA under it
#   rsa.key rsa.pem          an RSA-2048 signer (PEM key) certified by the root
#   ec.key ec.pem            a P-256 signer (PKCS#8 key) certified by the intermediate
#   signer.p12 pass.txt      the RSA signer as PKCS#12 with the passphrase in pass.txt
#   enc.key                  the RSA key as encrypted PKCS#8 (same passphrase)
#   other.key other.pem      a second RSA signer under the same root
#   expired.key expired.pem  a signer whose certificate expired in 2021
#   rogue.key rogue.pem      a self-signed signer nobody trusts
#   noku.key noku.pem        a signer whose key usage allows only encipherment
#   doc.xml                  a small declaration
# and issue() for more leaves.  The set is made once a day (the leaves live
# 365 days from their making) into build/pki and copied from there: making it
# takes seconds of RSA key generation, and a third of the test files use it.

# issue NAME KEY-SPEC EXTENSIONS ISSUER [START END]: a certificate NAME.pem
# (and NAME.key) under ISSUER, with the extensions section of ca.cnf.
issue() {
	if [ $# -gt 4 ]; then set -- "$@" -startdate "$5" -enddate "$6"; else set -- "$@" x x -days 365; fi
	openssl req -new -newkey "$2" -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=tdk test $1" 2>/dev/null &&
	openssl ca -batch -config ca.cnf -cert "$4.pem" -keyfile "$4.key" -extensions "$3" \
		-in "$1.csr" -out "$1.pem" -notext "$7" "$8" ${9:+"$9"} ${10:+"${10}"} 2>/dev/null
}

make_pki() {
	pki_cache=$REPO/build/pki/$(cksum <"$REPO/tests/pki.sh" | cut -d' ' -f1)-$(date -u +%Y%m%d)
	if ! [ -f "$pki_cache/doc.xml" ]; then
		pki_tmp=$(mktemp -d "$REPO/build/pki.XXXXXX" 2>/dev/null || { mkdir -p "$REPO/build" && mktemp -d "$REPO/build/pki.XXXXXX"; }) &&
			(cd "$pki_tmp" && make_pki_fresh) || return 1
		mkdir -p "$REPO/build/pki"
		# Another test may have made it meanwhile: the first rename wins.
		mv -T "$pki_tmp" "$pki_cache" 2>/dev/null || rm -rf "$pki_tmp"
	fi
	cp -R "$pki_cache/." .
}

make_pki_fresh() {
	cat >ca.cnf <<'CNF'
[ca]
default_ca = d
[d]
dir = ca.d
database = ca.d/index.txt
new_certs_dir = ca.d
serial = ca.d/serial
default_md = sha256
policy = p
copy_extensions = none
x509_extensions = leaf
[p]
commonName = supplied
[leaf]
keyUsage = critical,digitalSignature,nonRepudiation
basicConstraints = CA:false
[noku]
keyUsage = critical,keyEncipherment
[inter]
keyUsage = critical,keyCertSign,cRLSign
basicConstraints = critical,CA:true
CNF
	mkdir -p ca.d && : >ca.d/index.txt && echo 1000 >ca.d/serial &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
		-subj "/CN=tdk test root" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-addext "basicConstraints=critical,CA:true" 2>/dev/null &&
	openssl ecparam -name prime256v1 -out ecp.pem &&
	issue inter rsa:2048 inter ca &&
	issue rsa rsa:2048 leaf ca &&
	issue ec ec:ecp.pem leaf inter &&
	cat inter.pem >>ec.pem &&
	issue other rsa:2048 leaf ca &&
	issue expired rsa:2048 leaf ca 20200101000000Z 20210101000000Z &&
	issue noku rsa:2048 noku ca &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue.key -out rogue.pem -days 365 \
		-subj "/CN=tdk test rogue" 2>/dev/null &&
	echo 'correct horse battery' >pass.txt &&
	openssl pkcs12 -export -inkey rsa.key -in rsa.pem -certfile ca.pem -passout file:pass.txt \
		-out signer.p12 2>/dev/null &&
	openssl pkcs8 -topk8 -in rsa.key -passout file:pass.txt -out enc.key 2>/dev/null &&
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<Declaration xmlns="urn:wco:datamodel:WCO:DEC-DMS:2" Id="dec">\n  <FunctionalReferenceID>REF-1</FunctionalReferenceID>\n  <Amount>100</Amount>\n</Declaration>\n' >doc.xml
}
