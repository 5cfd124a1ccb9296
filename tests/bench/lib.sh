# tests/bench/serve-lib.sh: what the benchmarks of tdk serve (serve.sh) and
# tdk submit (submit.sh) share; sourced after they set TDK and die(), in
# their work folder.
#
#   bench_schema            decl.xsd (a Declaration of an LRN and goods lines)
#                           and cat.xml naming it, in the current folder
#   bench_serve STATE NAME [option ...]
#                           a fresh tdk serve with its state in STATE, clients
#                           from ./clients, cat.xml; NAME.port, NAME.out and
#                           NAME.err beside; sets pid and url

bench_schema() {
	cat >decl.xsd <<'XSD'
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:tdk:bench:decl"
           xmlns="urn:tdk:bench:decl" elementFormDefault="qualified">
  <xs:element name="Declaration">
    <xs:complexType><xs:sequence>
      <xs:element name="FunctionalReferenceID" type="xs:string"/>
      <xs:element name="Goods" type="xs:string" maxOccurs="unbounded"/>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>
XSD
	printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n<uri name="urn:tdk:bench:decl" uri="%s/decl.xsd"/>\n</catalog>\n' \
		"$PWD" >cat.xml
}

bench_serve() {
	state=$1 name=$2
	shift 2
	rm -f "$state" "$state-wal" "$state-shm" "$name.port"
	"$TDK" serve --state "$state" --clients clients --catalog cat.xml --port-file "$name.port" "$@" \
		>"$name.out" 2>"$name.err" &
	pid=$!
	i=0
	while ! [ -s "$name.port" ]; do
		i=$((i + 1)); [ $i -lt 200 ] || die "tdk serve did not start: $(cat "$name.err")"; sleep 0.05
	done
	url=http://127.0.0.1:$(cat "$name.port")
}
