# tdk: trade document kit.  `make`, `make check`, `make bench`, `make fuzz`,
# `make install PREFIX=... DESTDIR=...`; knobs DEVELOPER=1 and SANITIZE=address,undefined
# (into build/san) or SANITIZE=thread (ThreadSanitizer, into build/tsan).
include config.mk

comma := ,

# Sanitized and plain objects never mix: each flavour builds in its own folder.
ifdef SANITIZE
BUILD    = $(if $(filter thread,$(subst $(comma), ,$(SANITIZE))),build/tsan,build/san)
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD    = build/plain
SANFLAGS =
endif

ifdef DEVELOPER
WARN = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wcast-qual -Wstrict-prototypes \
       -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wvla -Wimplicit-fallthrough \
       -Wno-unused-parameter
else
WARN = -Wall
endif

# Asked of pkg-config once, when a recipe first needs them, not when make reads
# this file: `make deps demo` installs the libraries before anything asks.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null))$(PKG_LIBS)

# One short line per step; `make V=1` shows the whole commands.
ifneq ($(V),1)
QUIET_CC   = @echo '   ' CC $@;
QUIET_AR   = @echo '   ' AR $@;
QUIET_LINK = @echo '   ' LINK $@;
endif

ALL_CPPFLAGS = -Ilib -Icmd -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
               -DTDK_VERSION='"$(VERSION)"' -DTDK_DATADIR='"$(DATADIR)/tdk"' $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = -std=c11 $(WARN) $(CFLAGS) $(SANFLAGS)
ALL_LDFLAGS  = $(SANFLAGS) $(LDFLAGS)
LIBS         = $(PKG_LIBS)

LIB_SRC  = $(sort $(wildcard lib/*/*.c))
CMD_SRC  = $(sort $(wildcard cmd/*.c))
UNIT_SRC = $(sort $(wildcard tests/unit/t-*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  = $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
HEADERS  = $(wildcard lib/*/*.h cmd/*.h tests/unit/*.h)

MANPAGES    = $(sort $(wildcard man/*.1))
# What tdk reads at run time from its data folder: code lists, the WCO dictionary, maps, rules.
DATA_FILES  = $(sort $(wildcard data/*/*))
MANPAGES5   = $(sort $(wildcard man/*.5))
TESTS       = $(sort $(wildcard tests/t[0-9]*.sh))
PROVE       = prove
# Under the sanitizers a test spends much of its time starting processes and
# waiting on sockets: three at once keep two cores busy.
PROVE_FLAGS = $(if $(SANITIZE),-j3,-j2)

all: tdk

tdk: $(BUILD)/tdk
	@ln -sf $(BUILD)/tdk tdk

$(BUILD)/libtdk.a: $(LIB_OBJ)
	$(QUIET_AR)$(AR) rcs $@ $(LIB_OBJ)

$(BUILD)/tdk: $(CMD_OBJ) $(BUILD)/libtdk.a
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libtdk.a $(LIBS)

$(BUILD)/%.o: %.c $(HEADERS) config.mk
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libtdk.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libtdk.a $(LIBS)

units: $(UNIT_BIN)

# Test-data generators built on the library (tests/gen/), e.g. edi-gen for directory messages.
GEN_BIN = $(BUILD)/tests/gen/edi-gen $(BUILD)/tests/gen/journal-fill $(BUILD)/tests/gen/oauth-probe \
	  $(BUILD)/tests/gen/ebms-probe $(BUILD)/tests/gen/wss-probe \
	  $(BUILD)/tests/gen/as2-probe $(BUILD)/tests/gen/as4-probe

$(BUILD)/tests/gen/%: tests/gen/%.c $(BUILD)/libtdk.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libtdk.a $(LIBS)

# `make test` runs the unit and shell tests; `make check` adds the fuzz smoke run.
test: tdk units $(GEN_BIN)
	@TDK_BUILD=$(BUILD) $(PROVE) $(PROVE_FLAGS) $(TESTS)

check: test fuzz-check

# The tests that run documents on several threads, under ThreadSanitizer (build/tsan):
# `make SANITIZE=thread tsan-check`, as CI does.
THREAD_TESTS = tests/t0000-unit.sh tests/t0030-report-contract.sh tests/t2300-xml-batch.sh \
	       tests/t3100-map-user.sh tests/t3150-map-flat.sh tests/t3301-harmonise.sh tests/t4051-sign-verify-jobs.sh
tsan-check: tdk units $(GEN_BIN)
	@TDK_BUILD=$(BUILD) TSAN_OPTIONS=halt_on_error=1:abort_on_error=1 $(PROVE) $(PROVE_FLAGS) $(THREAD_TESTS)

# Fuzzing needs clang's libFuzzer.  `make check` gives all targets FUZZ_SECONDS together,
# shared evenly; `make fuzz` runs each TDK_FUZZ_SECONDS (600).  Both keep what they find
# in build/fuzz/corpus-<target>/.
FUZZ_SRC     = $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BIN     = $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS = 210
FUZZ_FLAGS   = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1
FUZZ_LIB_OBJ = $(LIB_SRC:%.c=build/fuzz/%.o)

# The library too stops at the first undefined behaviour, so that the fuzzer keeps the input.
build/fuzz/%.o: %.c $(HEADERS) config.mk
	@mkdir -p $(dir $@)
	$(QUIET_CC)clang $(ALL_CPPFLAGS) -std=c11 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -g -O1 -c -o $@ $<

# Targets link the library as an archive, so each holds only the objects it calls: the
# fuzzer then scans and clears the coverage counters of those alone on every input.
build/fuzz/libtdk.a: $(FUZZ_LIB_OBJ)
	$(QUIET_AR)rm -f $@ && $(AR) rcs $@ $(FUZZ_LIB_OBJ)

build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(wildcard tests/fuzz/*.h) build/fuzz/libtdk.a
	@mkdir -p $(dir $@)
	$(QUIET_LINK)clang $(ALL_CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -o $@ $< build/fuzz/libtdk.a $(LIBS)

fuzz-build: $(FUZZ_BIN)

# -v: one line per target as it ends, not minutes of silence.
fuzz-check: fuzz-build
	@TDK_FUZZ_TOTAL=$(FUZZ_SECONDS) $(PROVE) -v tests/fuzz/run.sh

fuzz: fuzz-build
	TDK_FUZZ_SECONDS=$${TDK_FUZZ_SECONDS:-600} tests/fuzz/run.sh

# The main job on the bundled samples: validate them, and show a lossless round trip.
# The main job on the bundled samples: EDIFACT checked and converted both ways, the
# declaration checked against its business rules, signed, packed into a dossier and
# verified; with the UNTDID releases of the public corpus beside the tree (TDK_CORPUS),
# the declarations are also checked against their directory and a partner's MIG.
TDK_CORPUS ?= ../shared/corpus
DEMO = build/demo
demo: tdk
	./tdk validate samples/invoic-d96a.edi samples/cuscar-v4.edi
	./tdk convert samples/invoic-d96a.edi
	./tdk convert -t json samples/cuscar-v4.edi | ./tdk convert | cmp - samples/cuscar-v4.edi
	@echo "demo: samples valid; EDIFACT -> JSON -> EDIFACT reproduced samples/cuscar-v4.edi byte for byte"
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@if [ -d "$(TDK_CORPUS)/edifact/directories/d96b" ]; then \
	  echo "./tdk validate -D $(TDK_CORPUS)/edifact/directories --mig samples/mig-cusdec-import.mig samples/cusdec-d96b-import.edi"; \
	  ./tdk validate -D "$(TDK_CORPUS)/edifact/directories" --mig samples/mig-cusdec-import.mig \
	    samples/cusdec-d96b-import.edi && echo "demo: CUSDEC valid against UNTDID D.96B and the import MIG" && \
	  echo "./tdk map -D $(TDK_CORPUS)/edifact/directories cusdec-to-wco samples/cusdec-d96b-import.edi > $(DEMO)/cusdec-wco.xml" && \
	  ./tdk map -D "$(TDK_CORPUS)/edifact/directories" cusdec-to-wco samples/cusdec-d96b-import.edi > $(DEMO)/cusdec-wco.xml && \
	  echo "demo: CUSDEC mapped to a WCO DM declaration, $(DEMO)/cusdec-wco.xml"; \
	else echo "demo: no UNTDID releases at $(TDK_CORPUS)/edifact/directories: directory check and map skipped"; fi
	./tdk validate --well-formed --rules samples/wco-declaration.sch samples/wco-declaration.xml
	./tdk harmonise samples/wco-declaration-raw.xml > $(DEMO)/harmonised.xml
	./tdk harmonise --check $(DEMO)/harmonised.xml
	./tdk explain --declaration samples/wco-declaration.xml samples/wco-rejection.xml; test $$? -eq 1
	@echo "demo: a raw declaration harmonised (every change reported, a second pass changes nothing); a rejection explained"
	./tdk sign -k samples/broker.key --cert samples/broker.pem --xades -o $(DEMO)/declaration.signed.xml samples/declaration.xml
	./tdk verify --ca samples/broker-ca.pem $(DEMO)/declaration.signed.xml
	./tdk pack -o $(DEMO)/dossier.asice -k samples/broker.key --cert samples/broker.pem samples/declaration.xml samples/invoice.txt
	./tdk verify --ca samples/broker-ca.pem $(DEMO)/dossier.asice
	./tdk unpack --list $(DEMO)/dossier.asice
	@echo "demo: declaration signed and verified; dossier $(DEMO)/dossier.asice packed, signed and verified"
	@if [ -d "$(TDK_CORPUS)/edifact/directories/d96b" ] && [ -f "$(CDS_WRAPPER)" ]; then \
	  $(MAKE) --no-print-directory demo-submit; \
	else echo "demo: no UNTDID releases or CDS schemas under $(TDK_CORPUS): the submission chain skipped"; fi

# The chain to a single window, run by demo: the CUSDEC sample mapped to a WCO
# declaration, harmonised, validated against the CDS schema (read in the corpus),
# signed (detached), packed with its signature and an invoice, submitted to a
# tdk serve started here (the declaration POSTed, the other documents through
# the file-upload flow), its notifications polled until it is cleared (its LRN
# begins with C, which tdk serve clears as the CDS sandbox does), the journal
# verified.  Everything lives in $(DEMO)/sw; the server is stopped at the end.
CDS_WRAPPER = $(TDK_CORPUS)/wco/hmrc-customs-declarations/schemas/customs/wrapper_submit.xsd
CDS_UPLOAD = $(TDK_CORPUS)/wco/hmrc-customs-declarations/schemas/wco/fileupload/FileUploadRequest.xsd
CDS_NOTIFY = $(TDK_CORPUS)/wco/hmrc-customs-declare-exports/local-wrappers/notification_wrapper.xsd
SW = $(DEMO)/sw
demo-submit: tdk
	@rm -rf $(SW) && mkdir -p $(SW) && chmod 700 $(SW)
	@printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n<uri name="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" uri="%s"/>\n<uri name="hmrc:fileupload" uri="%s"/>\n</catalog>\n' \
	  "$$(cd "$$(dirname "$(CDS_WRAPPER)")" && pwd)/wrapper_submit.xsd" "$$(cd "$$(dirname "$(CDS_UPLOAD)")" && pwd)/FileUploadRequest.xsd" >$(SW)/cds-catalog.xml
	@printf '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n<uri name="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" uri="%s"/>\n</catalog>\n' \
	  "$$(cd "$$(dirname "$(CDS_NOTIFY)")" && pwd)/notification_wrapper.xsd" >$(SW)/res-catalog.xml
	./tdk map -q -D "$(TDK_CORPUS)/edifact/directories" cusdec-to-wco samples/cusdec-d96b-import.edi > $(SW)/mapped.xml
	./tdk harmonise -q $(SW)/mapped.xml > $(SW)/declaration.xml
	./tdk validate --catalog $(SW)/cds-catalog.xml $(SW)/declaration.xml
	./tdk sign --detached -k samples/broker.key --cert samples/broker.pem -O $(SW) $(SW)/declaration.xml
	@cp samples/invoice.txt $(SW)/
	./tdk pack -q -o $(SW)/dossier.asice -C $(SW) -k samples/broker.key --cert samples/broker.pem \
	  declaration.xml declaration.xml.sig.xml invoice.txt
	@printf 'demo d3m0-s3cret write:customs-declaration,read:pull-notifications\n' >$(SW)/clients
	@printf 'd3m0-s3cret\n' >$(SW)/secret && chmod 600 $(SW)/secret
	@(cd $(SW) && { $(CURDIR)/tdk serve --state serve.db --clients clients --catalog cds-catalog.xml \
	  --port-file port >serve.log 2>&1 & echo $$! >serve.pid; }); \
	i=0; while [ ! -s $(SW)/port ] && [ $$i -lt 100 ]; do sleep 0.1; i=$$((i + 1)); done; \
	U=http://127.0.0.1:$$(cat $(SW)/port); echo "demo: tdk serve listening on $$U"; \
	printf '%s\n' '[local]' 'profile = rest' "url = $$U/customs/declarations" 'api-version = 1.0' \
	  'grant = client-credentials' "token-url = $$U/oauth/token" 'client-id = demo' 'client-secret-file = secret' \
	  'badge-id = ABC123' 'submitter-id = GB123456789000' "notifications-url = $$U/notifications" \
	  "file-upload-url = $$U/customs/declarations/file-upload" 'catalog = cds-catalog.xml' \
	  'notifications-catalog = res-catalog.xml' >$(SW)/endpoints
	@cd $(SW) && export TDK_ENDPOINTS=$$PWD/endpoints TDK_JOURNAL=$$PWD/journal.db XDG_CACHE_HOME=$$PWD/cache && \
	  trap 'kill $$(cat serve.pid) 2>/dev/null' EXIT && \
	  echo "./tdk submit -e local $(SW)/dossier.asice" && $(CURDIR)/tdk submit -e local dossier.asice && \
	  echo "./tdk poll -e local --wait 60" && $(CURDIR)/tdk poll -e local --wait 60 && \
	  echo "./tdk journal verify" && $(CURDIR)/tdk journal verify && \
	  echo "./tdk journal list" && $(CURDIR)/tdk journal list
	@echo "demo: CUSDEC -> WCO declaration -> harmonised -> valid -> signed -> dossier -> submitted with its uploads -> cleared; journal verified"

# The compiled code lists of tdk codes (data/codes: UN/ECE Rec 20 and 21 as the UK CDS
# uses them), written from the public corpus; they are kept in the tree.
codes-data:
	perl tests/gen/codes-data.pl $(TDK_CORPUS)

# The WCO Data Model dictionary (data/wco: pointers, names, formats, code lists, UCC data
# elements of DEC-DMS:2 and RES-DMS:2), written from the public corpus; kept in the tree.
wco-data:
	perl tests/gen/wco-dict.pl $(TDK_CORPUS)

bench: tdk
	tests/bench/run.sh
	TDK=./tdk tests/bench/as2.sh
	TDK=./tdk tests/bench/as4.sh

deps:
	@sh tests/deps.sh $(DEB_BUILD) $(DEB_RUN) $(DEB_TEST)

# The installed tree finds its data beside the binary (BINDIR/../share/tdk, see
# lib/util/path.h), so it works under any PREFIX, and moved after a DESTDIR install.
install: $(BUILD)/tdk
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/tdk/xsd \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BUILD)/tdk $(DESTDIR)$(BINDIR)/tdk
	install -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MANPAGES5) $(DESTDIR)$(MANDIR)/man5/
	install -m 644 xsd/*.xsd xsd/catalog.xml $(DESTDIR)$(DATADIR)/tdk/xsd/
	for f in $(DATA_FILES); do install -D -m 644 $$f $(DESTDIR)$(DATADIR)/tdk/$$f || exit 1; done
	install -m 644 completions/tdk.bash $(DESTDIR)$(BASHCOMPDIR)/tdk
	install -m 644 completions/_tdk $(DESTDIR)$(ZSHCOMPDIR)/_tdk
	install -m 644 completions/tdk.fish $(DESTDIR)$(FISHCOMPDIR)/tdk.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tdk $(DESTDIR)$(BASHCOMPDIR)/tdk \
	  $(DESTDIR)$(ZSHCOMPDIR)/_tdk $(DESTDIR)$(FISHCOMPDIR)/tdk.fish
	rm -f $(MANPAGES:man/%=$(DESTDIR)$(MANDIR)/man1/%) $(MANPAGES5:man/%=$(DESTDIR)$(MANDIR)/man5/%)
	rm -rf $(DESTDIR)$(DATADIR)/tdk

clean:
	rm -rf build tdk tests/trash.*

.PHONY: demo-submit all tdk demo units test check tsan-check fuzz fuzz-build fuzz-check bench codes-data wco-data deps install uninstall clean
