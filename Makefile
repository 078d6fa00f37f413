# vtrace build.  `make` builds ./vtrace; `make demo` and `make check` first
# install missing Debian packages (scripts/install-deps), then build and run.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

CC ?= gcc
CLANG ?= clang
PKG_CONFIG ?= pkg-config
PKGS := libbpf libdw libelf libtraceevent capstone
# the Debian package that gives each pkg-config name
PKG_DEB_libbpf := libbpf-dev
PKG_DEB_libdw := libdw-dev
PKG_DEB_libelf := libelf-dev
PKG_DEB_libtraceevent := libtraceevent-dev
PKG_DEB_capstone := libcapstone-dev

VERSION := 0.1.0
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif
O := build

# CFLAGS, CPPFLAGS and LDFLAGS are the builder's (a distribution's
# hardening flags: make CFLAGS="$(dpkg-buildflags --get CFLAGS)" ...);
# what vtrace itself needs is added to them, never replaced by them.
OPT ?= -O2 -g
CFLAGS ?= $(OPT)
CPPFLAGS ?=
LDFLAGS ?=
WARN := -Wall -Wextra -Werror -Wno-missing-field-initializers
INCLUDES := -I. -Ibpf/include

# Every library through pkg-config; a missing one stops the build here,
# named with the package that installs it (goals that install the
# dependencies first, or need none, are let through).
NO_PKG_GOALS := deps demo check check-native clean
ifneq ($(filter-out $(NO_PKG_GOALS),$(or $(MAKECMDGOALS),all)),)
ifeq ($(shell command -v $(PKG_CONFIG)),)
$(error $(PKG_CONFIG) not found: install pkg-config (scripts/install-deps does))
endif
PKG_MISSING := $(strip $(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists $(p) && echo y),,$(p))))
ifneq ($(PKG_MISSING),)
$(error $(PKG_CONFIG) cannot find $(PKG_MISSING): install $(foreach p,$(PKG_MISSING),$(PKG_DEB_$(p))) (scripts/install-deps does), or set PKG_CONFIG_PATH)
endif
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
# -lstdc++: the C++ ABI demangler, __cxa_demangle, for C++ frames (lib/demangle.c)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS)) -lstdc++
endif
BASE_CFLAGS = -std=gnu11 $(CPPFLAGS) $(CFLAGS) $(WARN) $(INCLUDES) $(PKG_CFLAGS) \
	-D_GNU_SOURCE -DVTRACE_VERSION='"$(VERSION)"' -MMD -MP
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRCS := $(wildcard lib/*.c probe/*.c) $(filter-out %.bpf.c,$(wildcard bpf/*.c))
CMD_SRCS := $(wildcard cmd/*.c)
BPF_SRCS := $(wildcard bpf/*.bpf.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
TARGET_SRCS := $(wildcard tests/targets/*.c)
EMBEDDED := bpf/include/vtrace.h bpf/include/vtrace_sample.h

# Two builds of the same sources: plain (the product) and sanitized (tests).
define objs
$(patsubst %.c,$(1)/%.o,$(2))
endef
PLAIN_LIB := $(call objs,$(O),$(LIB_SRCS)) $(O)/bpf/embed.o
SAN_LIB := $(call objs,$(O)/san,$(LIB_SRCS)) $(O)/san/bpf/embed.o
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(O)/bpf/%.bpf.o,$(BPF_SRCS))
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRCS)) $(O)/tests/tools/fetch-eval
# Each target program is built by gcc and clang at -O0 and -O2.
TARGET_VARIANTS := gcc-O0 gcc-O2 clang-O0 clang-O2
TARGET_BINS := $(foreach v,$(TARGET_VARIANTS),$(patsubst tests/targets/%.c,$(O)/targets/%-$(v),$(TARGET_SRCS)))
# C++ targets (tests/integration/realcode.sh): g++ and clang++ at -O0 and -O2.
CXX_TARGET_SRCS := $(wildcard tests/targets-cxx/*.cpp)
CXX_VARIANTS := g++-O0 g++-O2 clang++-O0 clang++-O2
CXX_TARGET_BINS := $(foreach v,$(CXX_VARIANTS),$(patsubst tests/targets-cxx/%.cpp,$(O)/targets/%-$(v),$(CXX_TARGET_SRCS)))

.PHONY: all deps demo check check-native unit integration install clean bench
all: vtrace

deps:
	@scripts/install-deps --vm

vtrace: $(O)/vtrace
	@cp $< $@

$(O)/vtrace: $(call objs,$(O),$(CMD_SRCS)) $(PLAIN_LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(O)/san/vtrace: $(call objs,$(O)/san,$(CMD_SRCS)) $(SAN_LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -c -o $@ $<

$(O)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) -c -o $@ $<

# vtrace's own BPF programs (process-tree tracking), compiled once at build
# time and linked into the binary together with the header user programs use.
$(O)/bpf/%.bpf.o: bpf/%.bpf.c
	@mkdir -p $(dir $@)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) -target bpf -O2 -g -Wall -Werror -idirafter /usr/include/$(shell $(CC) -dumpmachine) -c -o $@ $<

$(O)/bpf/embed.o $(O)/san/bpf/embed.o: bpf/embed.S $(BPF_OBJS) $(EMBEDDED)
	@mkdir -p $(dir $@)
	$(call msg,AS,$@)
	$(Q)$(CC) $(CPPFLAGS) -c -I. -I$(O) -o $@ bpf/embed.S

$(O)/tests/tools/fetch-eval: tests/tools/fetch_eval.c $(SAN_LIB)
	@mkdir -p $(dir $@)
	$(call msg,TEST,$@)
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(O)/tests/test_%: tests/unit/test_%.c $(SAN_LIB)
	@mkdir -p $(dir $@)
	$(call msg,TEST,$@)
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(O)/targets/%-gcc-O0: tests/targets/%.c
	@mkdir -p $(dir $@)
	$(call msg,TARGET,$@)
	$(Q)gcc -g -O0 -fno-omit-frame-pointer -o $@ $<
$(O)/targets/%-gcc-O2: tests/targets/%.c
	@mkdir -p $(dir $@)
	$(call msg,TARGET,$@)
	$(Q)gcc -g -O2 -o $@ $<
$(O)/targets/%-clang-O0: tests/targets/%.c
	@mkdir -p $(dir $@)
	$(call msg,TARGET,$@)
	$(Q)$(CLANG) -g -O0 -o $@ $<
$(O)/targets/%-clang-O2: tests/targets/%.c
	@mkdir -p $(dir $@)
	$(call msg,TARGET,$@)
	$(Q)$(CLANG) -g -O2 -o $@ $<

$(O)/targets/%-g++-O0: tests/targets-cxx/%.cpp
	@mkdir -p $(dir $@)
	$(call msg,TARGET,$@)
	$(Q)g++ -g -O0 -fno-omit-frame-pointer -o $@ $<
$(O)/targets/%-g++-O2: tests/targets-cxx/%.cpp
	@mkdir -p $(dir $@)
	$(call msg,TARGET,$@)
	$(Q)g++ -g -O2 -o $@ $<
$(O)/targets/%-clang++-O0: tests/targets-cxx/%.cpp
	@mkdir -p $(dir $@)
	$(call msg,TARGET,$@)
	$(Q)$(CLANG)++ -g -O0 -o $@ $<
$(O)/targets/%-clang++-O2: tests/targets-cxx/%.cpp
	@mkdir -p $(dir $@)
	$(call msg,TARGET,$@)
	$(Q)$(CLANG)++ -g -O2 -o $@ $<

demo:
	@scripts/install-deps
	@$(MAKE) --no-print-directory vtrace examples/target
	@scripts/demo

examples/target: examples/target.c
	$(CC) -g -O2 -o $@ $<

# The README's test command.  Unit tests and native integration tests, then
# the kernel tests inside the VM test bed (when it exists).
FUZZ_BINS := $(O)/fuzz/fuzz_spec $(O)/fuzz/fuzz_datafile

$(O)/fuzz/fuzz_spec: tests/fuzz/fuzz_spec.c probe/spec.c lib/strbuf.c lib/error.c
	@mkdir -p $(dir $@)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) -g -O1 -I. -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -o $@ $^

# The data-file reader and vtrace script's printers (tests/integration/fuzz.sh).
FUZZ_DATAFILE_SRCS := tests/fuzz/fuzz_datafile.c lib/datafile.c lib/datafile_read.c lib/decode.c \
	lib/value.c lib/printfmt.c lib/mapprint.c lib/strbuf.c lib/error.c lib/fs.c lib/trust.c \
	lib/output.c lib/folded.c lib/demangle.c probe/stack.c probe/arch.c
$(O)/fuzz/fuzz_datafile: $(FUZZ_DATAFILE_SRCS)
	@mkdir -p $(dir $@)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) -g -O1 $(INCLUDES) $(PKG_CFLAGS) -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-o $@ $^ $(PKG_LIBS)

check: deps
	@$(MAKE) --no-print-directory vtrace $(O)/san/vtrace $(UNIT_BINS) $(TARGET_BINS) $(CXX_TARGET_BINS) $(FUZZ_BINS)
	@tests/run

check-native:
	@scripts/install-deps
	@$(MAKE) --no-print-directory vtrace $(O)/san/vtrace $(UNIT_BINS) $(TARGET_BINS) $(CXX_TARGET_BINS) $(FUZZ_BINS)
	@tests/run --native

# vtrace against perf and bpftrace (bench/README.md); QUICK=1 for a short run.
$(O)/bench/target: bench/target.c
	@mkdir -p $(dir $@)
	$(call msg,TARGET,$@)
	$(Q)$(CC) -g -O2 -Wall -Wextra -Werror -o $@ $<

bench: vtrace $(O)/bench/target
	@python3 bench/bench.py $(if $(QUICK),--quick)

install: vtrace
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	install -m 755 vtrace $(DESTDIR)$(BINDIR)/vtrace
	install -m 644 Documentation/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 Documentation/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 Documentation/*.7 $(DESTDIR)$(MANDIR)/man7/
	install -D -m 644 scripts/completion/vtrace.bash $(DESTDIR)$(BASHCOMPDIR)/vtrace

clean:
	rm -rf $(O) vtrace examples/target

-include $(shell find $(O) -name '*.d' 2>/dev/null)
