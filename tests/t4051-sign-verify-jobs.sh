#!/bin/sh
# sign and verify under -j 4 give what -j 1 gives: one signer and one trust
# shared by the workers, each document's diagnostics its own.  Run under
# ThreadSanitizer too (TDK_BUILD=build/tsan, make tsan-check).
. "$(dirname "$0")/lib.sh"
. "$REPO/tests/pki.sh"

test_expect_success 'set up: a PKI and 24 documents, some malformed' '
	make_pki && mkdir in &&
	i=0 && while [ $i -lt 24 ]; do
		sed "s/REF-1/REF-$i/" doc.xml >in/d$i.xml
		i=$((i + 1))
	done &&
	printf "<Declaration><a>\n" >in/d5.xml && printf "<!DOCTYPE x [<!ENTITY e \"e\">]><x>&e;</x>\n" >in/d17.xml
'
# The reports of a run, with the times of JUnit taken out.
run() {
	"$@" >out 2>err; echo "rc=$?" >rc
	sed 's/ time="[0-9.]*"//' out
	cat err rc
}
for kind in "" --xades --detached; do
	test_expect_success "sign $kind: -j 4 reports as -j 1, in text, JSON and JUnit" "
		for f in text json junit; do
			run tdk sign $kind -k rsa.key --cert rsa.pem --format \$f -j 1 -O one$kind.\$f -r in >r1 &&
			run tdk sign $kind -k rsa.key --cert rsa.pem --format \$f -j 4 -O four$kind.\$f -r in >r4 &&
			test_cmp r1 r4 || exit 1
		done &&
		if [ '$kind' = --detached ]; then
			grep -q 'rc=0' r4 && test \$(ls four$kind.text | wc -l) = 24
		else
			grep -q 'rc=1' r4 && test \$(ls four$kind.text | wc -l) = 22
		fi
	"
done
test_expect_success 'verify: -j 4 reports as -j 1; a tampered and an untrusted signature among them' '
	mkdir v &&
	cp four.text/d1.xml v/a1.xml && cp four--xades.text/d2.xml v/a2.xml &&
	i=3 && while [ $i -lt 20 ]; do cp four.text/d$i.xml v/a$i.xml 2>/dev/null; i=$((i + 1)); done &&
	sed "s/REF-7/REF-X/" four.text/d7.xml >v/tampered.xml &&
	tdk sign -k rogue.key --cert rogue.pem in/d8.xml >v/rogue.xml &&
	for f in text json junit; do
		run tdk verify --ca ca.pem --format $f -j 1 -r v >r1 &&
		run tdk verify --ca ca.pem --format $f -j 4 -r v >r4 &&
		test_cmp r1 r4 || exit 1
	done &&
	grep -q "rc=1" r4 &&
	test "$(xmllint --xpath "count(//testcase[failure])" out)" = 2
'
test_expect_success 'verify -j 4 of detached signatures with their data' '
	run tdk verify --ca ca.pem --data in/d3.xml -j 1 four--detached.text/d3.xml.sig.xml four--detached.text/d3.xml.sig.xml >r1 &&
	run tdk verify --ca ca.pem --data in/d3.xml -j 4 four--detached.text/d3.xml.sig.xml four--detached.text/d3.xml.sig.xml >r4 &&
	test_cmp r1 r4 && grep -q "rc=0" r4
'
test_done
