# zmqrs: build, install and test.
#
#   make                 build libzmqrs.{so,a} and the drop-in libzmq.so.5
#   make demo            build, install into $(PREFIX), then build the examples
#                        against it with pkg-config and run them: the tour and
#                        request-reply, pub-sub and pipeline over tcp, ipc and
#                        inproc (examples/run.sh; `make examples` is the same)
#   make install         install into $(DESTDIR)$(PREFIX)
#   make test            every test: Rust unit tests, header freshness, C API
#                        tests (shared and static), ABI checks, the examples,
#                        consumer checks
#   make header          refresh include/zmq.h from the Rust declarations
#   make bench           side-by-side benchmark against the system libzmq
#                        (bench/run.sh; REPS=, ROWS= narrow it)
#   make soak            soak test: every socket pattern over inproc, ipc and
#                        tcp with reconnects, slow consumers and peer restarts
#                        for SOAK_SECONDS (600); checks loss, duplicates and
#                        RSS growth (soak/run.sh; SOAK_LIB=system compares)
#   make sanitize        ASan, TSan and Miri over the tests (nightly)

PREFIX ?= $(CURDIR)/_install
DESTDIR ?=
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
CARGO ?= cargo
CC ?= cc

RELEASE := target/release
VERSION := 4.3.5
# Libraries the static library needs (cargo's native-static-libs).
STATIC_LIBS := -lsodium -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

.PHONY: all build header install demo examples test unit-test capi-test consumer-test clean bench fuzz soak sanitize

all: build

build:
	$(CARGO) build --release
	@# The drop-in: linked from the static library so that it answers to
	@# libzmq's SONAME and exports exactly the zmq_* API.
	$(CC) -shared -o $(RELEASE)/libzmq.so.5 -Wl,-soname,libzmq.so.5 \
	    -Wl,--whole-archive $(RELEASE)/libzmqrs.a -Wl,--no-whole-archive \
	    -Wl,--version-script=zmq.map -Wl,--gc-sections -Wl,-O1 -Wl,--strip-debug \
	    $(STATIC_LIBS)
	ln -sf libzmq.so.5 $(RELEASE)/libzmq.so
	cp -f $(RELEASE)/libzmqrs.a $(RELEASE)/libzmq.a

header:
	$(CARGO) build --release
	cp "$$(ls -t $(RELEASE)/build/zmqrs-*/out/zmq.h | head -n 1)" include/zmq.h

install: build
	install -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(LIBDIR)/cmake/ZeroMQ
	install -m 644 include/zmq.h include/zmq_utils.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 755 $(RELEASE)/libzmqrs.so $(DESTDIR)$(LIBDIR)/libzmqrs.so
	install -m 644 $(RELEASE)/libzmqrs.a $(DESTDIR)$(LIBDIR)/libzmqrs.a
	install -m 755 $(RELEASE)/libzmq.so.5 $(DESTDIR)$(LIBDIR)/libzmq.so.5
	ln -sf libzmq.so.5 $(DESTDIR)$(LIBDIR)/libzmq.so
	install -m 644 $(RELEASE)/libzmqrs.a $(DESTDIR)$(LIBDIR)/libzmq.a
	for pc in libzmq libzmqrs; do \
	    sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	        -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	        -e 's|@STATIC_LIBS@|$(STATIC_LIBS)|g' \
	        pkgconfig/$$pc.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/$$pc.pc; \
	done
	install -m 644 cmake/ZeroMQConfig.cmake cmake/ZeroMQConfigVersion.cmake \
	    $(DESTDIR)$(LIBDIR)/cmake/ZeroMQ/

demo: install
	examples/run.sh "$(PREFIX)"

examples: demo

test:
	./run-tests.sh

unit-test:
	$(CARGO) test --release

capi-test: build
	capi-tests/run.sh

consumer-test: install
	capi-tests/consumers/run.sh "$(PREFIX)"

clean:
	$(CARGO) clean
	rm -rf _install

bench: build
	SKIP_BUILD=1 bench/run.sh

# Every fuzz target for FUZZ_SECONDS (60) each; fails on a crash.
fuzz:
	fuzz/run.sh

# The soak test (soak/run.sh) for SOAK_SECONDS (600); fails on loss or RSS growth.
soak: build
	soak/run.sh

# AddressSanitizer and ThreadSanitizer over the C API tests (and TSan over
# the Rust unit tests), Miri over the pipe and body-pool tests; fails on
# any report (sanitize/run.sh; SANITIZERS= picks some).
sanitize:
	sanitize/run.sh
