# tdk build configuration; override any of these on the make command line.

VERSION = 0.1.0

PREFIX    = /usr/local
BINDIR    = $(PREFIX)/bin
DATADIR   = $(PREFIX)/share
MANDIR    = $(DATADIR)/man
BASHCOMPDIR = $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  = $(DATADIR)/zsh/site-functions
FISHCOMPDIR = $(DATADIR)/fish/vendor_completions.d

CC        = cc
AR        = ar
PKG_CONFIG = pkg-config

# Libraries found through pkg-config, one module per dependency.
PKGS      = libxml-2.0 libxslt libexslt xmlsec1-openssl libzip zlib libcurl libmicrohttpd gnutls sqlite3 libpq

CFLAGS    = -O2 -g
CPPFLAGS  =
LDFLAGS   =

# Debian packages: the build, the tests, and the peers that `make bench` runs.
DEB_BUILD = build-essential pkg-config libxml2-dev libxslt1-dev libxmlsec1-dev \
            libxmlsec1-openssl libssl-dev libcurl4-openssl-dev zlib1g-dev libzip-dev \
            libmicrohttpd-dev libgnutls28-dev libsqlite3-dev libpq-dev
# Read at run time: iso-codes for tdk codes' ISO 3166-1 and ISO 4217 lists.
DEB_RUN   = iso-codes
DEB_TEST  = perl libxml2-utils xsltproc valgrind clang libclang-rt-dev groff-base mandoc man-db time \
            nodejs npm xmlsec1 zip unzip python3 curl openssl sqlite3 postgresql apache2-utils
