# Helpers for the tests of dossiers (after lib.sh and serve-lib.sh): a tdk
# serve that knows the tests' declaration schema and the corpus's
# FileUploadRequest schema, an endpoint 'local' to it, and a packed dossier.
#
#   dossier_setup [serve option ...]  all of it; skips the whole file (TAP) when the corpus is absent
#   endpoints [plain]                 the endpoints file; plain: without file-upload-url;
#                                     $ID_LINES replaces the badge-id line
#   posts [SUFFIX]                    POSTs to /customs/declarations$SUFFIX in the access log
#   received SHA256                   uploads that serve stored with that SHA-256

FU=$TDK_CORPUS/wco/hmrc-customs-declarations/schemas/wco/fileupload/FileUploadRequest.xsd

endpoints() {
	serve_endpoint local "$URL" 'api-version = 1.0' "${ID_LINES:-badge-id = ABC123}" 'catalog = cat.xml' \
		'retries = 0' 'timeout = 10'
	[ -n "${1-}" ] || echo "file-upload-url = $URL/customs/declarations/file-upload"
}

dossier_setup() {
	if ! [ -f "$FU" ]; then
		test_skip 'dossiers' "$FU is absent (set TDK_CORPUS)"
		test_done
		exit 0
	fi
	serve_schema
	cp cat.xml cat-serve.xml
	printf '<uri name="hmrc:fileupload" uri="%s"/>\n</catalog>\n' "$FU" >>cat-serve.xml
	echo '</catalog>' >>cat.xml
	serve_start --catalog "$TRASH/cat-serve.xml" --access-log "$TRASH/access.log" "$@" ||
		{ echo "Bail out! tdk serve did not start"; exit 1; }
	endpoints >endpoints
	endpoints plain >endpoints-plain
	TDK_ENDPOINTS=$TRASH/endpoints TDK_JOURNAL=$TRASH/j.db
	export TDK_ENDPOINTS TDK_JOURNAL
	cp "$REPO/samples/invoice.txt" invoice.txt
	INV=$(sha256sum <invoice.txt | cut -c1-64)
}

posts() { grep -c "\"path\":\"/customs/declarations${1-}\"" "$TRASH/access.log"; }
received() { sqlite3 "$TRASH/serve.db" "SELECT count(*) FROM uploads WHERE sha256='$1'"; }
