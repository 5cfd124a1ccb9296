#!/bin/sh
# lib/net/ebms.h reads the P-Modes of the AS4 corpus (Holodeck B2B P-Mode
# documents, Domibus configurations) into tdk's as4 settings, or refuses
# each with the setting tdk lacks named (a Service or AgreementRef type, a
# pulling or two-way exchange); a P-Mode tdk can send loads and prints as
# an endpoints-file section that tdk endpoint reads; a file that is neither
# product's, a leg naming what the configuration does not define and a
# P-Mode without an address give their PMODE codes.  Through
# tests/gen/ebms-probe.
. "$(dirname "$0")/lib.sh"

PROBE=$REPO/$TDK_BUILD/tests/gen/ebms-probe
AS4=$TDK_CORPUS/transport/as4
skip_all() { test_skip 'P-Modes' "$1"; test_done; }
[ -x "$PROBE" ] || skip_all "needs $TDK_BUILD/tests/gen/ebms-probe (make $TDK_BUILD/tests/gen/ebms-probe)"
[ -d "$AS4/holodeck-b2b/pmodes" ] || skip_all "needs the corpus at $TDK_CORPUS (TDK_CORPUS)"
export PROBE AS4

test_expect_success 'every P-Mode of the corpus loads or is refused with the missing setting named' '
	: >bad && n=0 &&
	for f in "$AS4"/holodeck-b2b/pmodes/*.xml "$AS4"/domibus/Domibus-MSH-soapui-tests/*pmode*.xml \
		 "$AS4"/domibus/Domibus-MSH-tomcat/dataset/pmode/PModeTemplate.xml; do
		n=$((n + 1))
		"$PROBE" pmode "$f" >out 2>err; rc=$?
		# Each P-Mode either prints as a section or has a refusal naming a setting.
		case $rc in
		0) test -s out && test ! -s err || echo "$f: exit 0 without a clean section" >>bad ;;
		1) grep -q "error: \[PMODE-UNSUPPORTED\] P-Mode .* refused: tdk has no setting for the \(Service type\|AgreementRef type\|MEP\|MEP binding\) ." err ||
		   echo "$f: refused without the setting named" >>bad
		   ! grep -v "PMODE-UNSUPPORTED" err | grep -q . || echo "$f: another fault" >>bad ;;
		*) echo "$f: exit $rc" >>bad ;;
		esac
	done &&
	cat bad && test ! -s bad && test "$n" -eq 15
'
test_expect_code 1 'a Holodeck P-Mode with a Service type: refused, the type named' '
	"$PROBE" pmode "$AS4/holodeck-b2b/pmodes/ex-pm-push-init.xml" >out 2>err; rc=$?
	test_grep "ex-pm-push-init.xml:10: error: [PMODE-UNSUPPORTED] P-Mode '\''ex-pm-push'\'' refused: tdk has no setting for the Service type org:holodeckb2b:services" err &&
	test ! -s out || exit 99
	exit $rc
'
test_expect_code 1 'a pulling Holodeck P-Mode: refused, the MEP binding named' '
	"$PROBE" pmode "$AS4/holodeck-b2b/pmodes/ex-pm-pull-ut-init.xml" >out 2>err; rc=$?
	test_grep "tdk has no setting for the MEP binding http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/pull" err || exit 99
	exit $rc
'
test_expect_success 'the same P-Mode without the Service type loads, and tdk endpoint reads its section' '
	sed "s|<type>org:holodeckb2b:services</type>||" "$AS4/holodeck-b2b/pmodes/ex-pm-push-init.xml" >pm.xml &&
	"$PROBE" pmode pm.xml >out 2>err && test ! -s err &&
	cat >want <<-INI &&
	[ex-pm-push]
	profile = as4
	url = http://localhost:9090/holodeckb2b/as4
	from-party = org:holodeckb2b:example:company:A
	from-role = Sender
	to-party = org:holodeckb2b:example:company:B
	to-role = Receiver
	service = Examples
	action = StoreMessage
	agreement = http://agreements.holodeckb2b.org/examples/agreement0
	INI
	test_cmp want out &&
	{ cat out; echo "key = a.p12"; echo "partner-cert = b.pem"; } >endpoints &&
	tdk endpoint --endpoints endpoints show ex-pm-push >shown 2>err &&
	test_grep "action = StoreMessage" shown
'
test_expect_success 'a Domibus configuration: one P-Mode per leg and responder, ebCore party types folded in' '
	d=$AS4/domibus/Domibus-MSH-tomcat/dataset/pmode/PModeTemplate.xml &&
	sed "s|type=\"tc1\"|type=\"\"|" "$d" >dom.xml &&
	"$PROBE" pmode dom.xml >out 2>err; test "$?" -le 1 &&
	test_grep "[tc1Process-pushTestcase1tc1Action-red_gw]" out &&
	test_grep "from-party = urn:oasis:names:tc:ebcore:partyid-type:unregistered:domibus-blue" out &&
	test_grep "to-party = urn:oasis:names:tc:ebcore:partyid-type:unregistered:domibus-red" out &&
	test_grep "service = bdx:noprocess" out && test_grep "action = TC1Leg1" out &&
	test_grep "mpc = http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/defaultMPC" out &&
	test_grep "url = http://localhost:8892/domibus/services/msh" out
'
test_expect_code 1 'a leg naming a service the configuration does not define: PMODE-REF' '
	sed "s|service=\"testService1\"|service=\"noSuchService\"|" "$AS4/domibus/Domibus-MSH-tomcat/dataset/pmode/PModeTemplate.xml" >dom.xml &&
	"$PROBE" pmode dom.xml >out 2>err; rc=$?
	test_grep "error: [PMODE-REF] P-Mode '\''tc1Process-pushTestcase1tc1Action-red_gw'\'' refused: its service names '\''noSuchService'\''" err || exit 99
	exit $rc
'
test_expect_code 1 'a P-Mode without an address, and a file of neither product: PMODE-MISSING, PMODE-ROOT' '
	sed "s|<type>org:holodeckb2b:services</type>||; s|<Address>[^<]*</Address>||" "$AS4/holodeck-b2b/pmodes/ex-pm-push-init.xml" >pm.xml &&
	"$PROBE" pmode pm.xml >out 2>err
	test "$?" -eq 1 && test_grep "error: [PMODE-MISSING] P-Mode '\''ex-pm-push'\'' refused: it gives no url" err || exit 99
	echo "<a/>" >x.xml && "$PROBE" pmode x.xml >out 2>err; rc=$?
	test_grep "error: [PMODE-ROOT]" err || exit 99
	exit $rc
'
test_done
