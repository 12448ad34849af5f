# sysrec: one Makefile builds everything into build/, entry point bin/sysrec.
# Targets: all test bench fuzz demo install clean. Quiet unless V=1.

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
B := build
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell gcc -dumpmachine)

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PROTOC_C ?= protoc-c
PYTHON ?= /usr/bin/python3

WARN := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -DSYSREC_VERSION='"$(VERSION)"' \
	-Iformats -Icli -I$(B)/gen -I$(B)/gen/formats -MMD -MP
LDLIBS := -lbpf -lelf -lz -lzstd -lprotobuf-c -lm -lpthread
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I/usr/include/$(MULTIARCH) \
	-I$(B)/gen -Irecord -Wall -Werror

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:

# ---- sources (each directory's *.c is picked up; no list to edit) ----
FMT_SRCS := $(wildcard formats/*.c)
CLI_SRCS := $(filter-out cli/main.c,$(wildcard cli/*.c))
REC_SRCS := $(wildcard record/*.c)
REC_SRCS := $(filter-out $(wildcard record/*.bpf.c),$(REC_SRCS))
RPL_SRCS := $(wildcard replay/*.c)
ANA_SRCS := $(wildcard analyze/*.c)
BPF_SRCS := $(wildcard record/*.bpf.c)
SKELS := $(patsubst record/%.bpf.c,$(B)/gen/%.skel.h,$(BPF_SRCS))

PROTOS := $(wildcard formats/*.proto)
PB_C := $(patsubst formats/%.proto,$(B)/gen/formats/%.pb-c.c,$(PROTOS))
PB_H := $(PB_C:.c=.h)
FMT_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(FMT_SRCS)) \
	$(patsubst formats/%.proto,$(B)/obj/gen/%.pb-c.o,$(PROTOS)) $(B)/obj/gen/syscalls_gen.o
APP_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(CLI_SRCS) $(REC_SRCS) $(RPL_SRCS) $(ANA_SRCS))
MAIN_OBJ := $(B)/obj/cli/main.o

LIBSYSREC := $(B)/libsysrec.a
LIBAPP := $(B)/libsysrec-app.a

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
WL_SRCS := $(wildcard tests/workloads/*.c)
WL_BINS := $(patsubst tests/workloads/%.c,$(B)/workloads/%,$(WL_SRCS))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))
FUZZ_REGR := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%-regress,$(FUZZ_SRCS))
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRCS))
SAMPLE_WL_SRCS := $(wildcard samples/workloads/*.c)
SAMPLE_WL_BINS := $(patsubst samples/workloads/%.c,$(B)/samples/%,$(SAMPLE_WL_SRCS))
BENCH_SRCS := $(wildcard tests/bench/*.c)
BENCH_BINS := $(patsubst tests/bench/%.c,$(B)/bench/%,$(BENCH_SRCS))

.PHONY: all test bench fuzz demo install clean deps check-deps
all: bin/sysrec $(WL_BINS) $(SAMPLE_WL_BINS) $(TOOL_BINS)

# ---- generated code ----
$(B)/gen/formats/%.pb-c.c $(B)/gen/formats/%.pb-c.h: formats/%.proto
	$(call msg,PROTOC,$<)
	$(Q)mkdir -p $(B)/gen/formats
	$(Q)$(PROTOC_C) --proto_path=formats --c_out=$(B)/gen/formats $<

$(B)/gen/syscalls_gen.c: scripts/gen-syscalls.py $(wildcard formats/syscalls/*)
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(PYTHON) scripts/gen-syscalls.py formats/syscalls $@

$(B)/gen/vmlinux.h:
	$(call msg,BTF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

$(B)/bpf/%.bpf.o: record/%.bpf.c $(B)/gen/vmlinux.h $(wildcard record/*.h)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(B)/gen/%.skel.h: $(B)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

# ---- objects ----
$(B)/obj/gen/%.o: $(B)/gen/%.c $(PB_H)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/obj/gen/%.pb-c.o: $(B)/gen/formats/%.pb-c.c $(PB_H)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# Named explicitly: make does not chain .bpf.c -> .skel.h for a pattern
# rule's prerequisite in a fresh tree, and would fall back to the generic rule.
$(patsubst %.c,$(B)/obj/%.o,$(REC_SRCS)): $(SKELS)

$(B)/obj/record/%.o: record/%.c $(PB_H) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Irecord -c $< -o $@

$(B)/obj/%.o: %.c $(PB_H)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBSYSREC): $(FMT_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBAPP): $(APP_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

bin/sysrec: $(MAIN_OBJ) $(LIBAPP) $(LIBSYSREC)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $(MAIN_OBJ) -Wl,--whole-archive $(LIBAPP) -Wl,--no-whole-archive $(LIBSYSREC) $(LDLIBS)

# ---- tests ----
$(B)/tests/%: tests/unit/%.c $(LIBAPP) $(LIBSYSREC) tests/lib/tap.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/lib -Irecord -Ireplay -Ianalyze -o $@ $< $(LIBAPP) $(LIBSYSREC) $(LDLIBS)

$(B)/workloads/%: tests/workloads/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O1 -g -Wall -Werror -D_GNU_SOURCE -o $@ $< -lpthread

$(B)/samples/%: samples/workloads/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O1 -g -Wall -Werror -D_GNU_SOURCE -o $@ $< -lpthread

# Test tools (trace dumpers and generators used by shell tests)
$(B)/tools/%: tests/tools/%.c $(LIBAPP) $(LIBSYSREC)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/lib -Irecord -Ireplay -Ianalyze -o $@ $< $(LIBAPP) $(LIBSYSREC) $(LDLIBS)

$(B)/bench/%: tests/bench/%.c $(LIBAPP) $(LIBSYSREC)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -O2 -Itests/lib -Irecord -Ireplay -Ianalyze -o $@ $< $(LIBAPP) $(LIBSYSREC) $(LDLIBS)

# Fuzz targets: libFuzzer binaries for `make fuzz`, and a sanitizer build
# with a plain main() (tests/fuzz/regress_main.c) that replays the kept corpus
# in `make test`. The library is rebuilt from source with the sanitizers.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_LIB_SRCS := $(FMT_SRCS) $(PB_C) $(B)/gen/syscalls_gen.c
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Iformats -I$(B)/gen -I$(B)/gen/formats -Wall -Werror -Wno-unused-parameter

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRCS) $(PB_H)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(SAN_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_SRCS) -lzstd -lprotobuf-c -lz -lm

$(B)/fuzz/%-regress: tests/fuzz/%.c tests/fuzz/regress_main.c $(FUZZ_LIB_SRCS) $(PB_H)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(SAN_FLAGS) -o $@ $< tests/fuzz/regress_main.c $(FUZZ_LIB_SRCS) -lzstd -lprotobuf-c -lz -lm

check-deps:
	$(Q)scripts/install-deps.sh

test: check-deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BINS) $(FUZZ_REGR)
	$(Q)tests/run.sh

bench: check-deps
	$(Q)$(MAKE) --no-print-directory all $(BENCH_BINS)
	$(Q)tests/bench/run.sh

fuzz: $(FUZZ_BINS)
	$(Q)scripts/fuzz.sh $(FUZZ_BINS)

demo: check-deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh

install: bin/sysrec
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/sysrec
	install -m 0755 bin/sysrec $(DESTDIR)$(PREFIX)/bin/sysrec
	install -m 0644 formats/sysrec.proto formats/model.proto formats/FORMAT.md formats/MODEL.md $(DESTDIR)$(PREFIX)/share/sysrec/
	install -m 0644 scripts/sysrec_reader.py $(DESTDIR)$(PREFIX)/share/sysrec/

clean:
	rm -rf $(B) bin

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
