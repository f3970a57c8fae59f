# pipeminer: the daemon (host/), its tests, benchmarks and fuzzers.
# Targets (style.md rule 16):
#   make            build ./pipeminer
#   make deps       install the Debian packages the project needs (idempotent)
#   make test       build and run every test; last line "N passed, N failed"
#   make bench      print the benchmarks (hash rate vs. an OpenSSL yardstick, work generation)
#   make lint       verilator --lint-only -Wall on every RTL configuration in use
#   make wave TEST=MODEL   rerun one Verilator bench with an FST waveform
#   make fuzz       run the parser fuzzers for FUZZ_SECONDS each (default 300)
#   make demo       a local pool, the daemon and a simulated board for a minute
#   make bitstream BOARD=x   build one board's bitstream (bitstreams/x/); make bitstreams: all
#   make prog BOARD=x        flash it; make boards-table: docs/boards.md from the reports
#   make postsynth  the synthesized netlists of two iCE40 boards and an ECP5 one find the genesis nonce
#   make deps-ecp5  the ECP5 tools (YoWASP, from PyPI) into build/ecp5-venv/
#   make clean      remove build output
.DELETE_ON_ERROR:
.PHONY: all deps test bench fuzz fuzz-build demo clean lint wave sim-benches bitstream bitstreams prog boards-table deps-ecp5 postsynth
# Object files are kept between runs (make would delete test objects as intermediates).
.SECONDARY:
# Two cores is what the project's machines have; builds use both.
MAKEFLAGS += -j2

# Everything the project needs, installed by `make deps` (scripts/deps.sh only
# installs what is missing, with sudo when not root).
PACKAGES := gcc make pkg-config libcjson-dev libmbedtls-dev libftdi1-dev libcmocka-dev \
	verilator iverilog yosys nextpnr-ice40 fpga-icestorm openfpgaloader openssl \
	clang libclang-rt-14-dev python3 python3-venv

CC := gcc
BUILD := build
# `make V=1` shows every command.
Q := $(if $(V),,@)
ARCH := $(shell uname -m)

CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -MMD -MP
# BASE_LIBS is what every binary links; the daemon adds libftdi1 (the tests
# link tests/unit/ftdi_standin.c in its place) and the C++ runtime of the
# simulated board's Verilated models.
BASE_LIBS := -lcjson -lmbedtls -lmbedx509 -lmbedcrypto -lm -pthread
LDLIBS := $(BASE_LIBS) -lftdi1 -lusb-1.0 -lstdc++
# libftdi1's headers include <libusb.h> from their own directory.
$(BUILD)/host/transport_ftdi.o: CFLAGS += -I/usr/include/libusb-1.0
$(BUILD)/host/transport_sim.o $(BUILD)/host/cmd_devices.o: CFLAGS += -Isim

# The x86 hashing paths; each file is compiled for its instruction set and
# only called when CPUID says the CPU has it (host/sha256d.c, host/cpu.c).
X86_SRC := host/cpu.c host/sha256_shani.c host/sha256d_shani.c host/sha256d_shani_evex.c \
	host/sha256d_shani_x86.c host/sha256d_avx2.c host/sha256d_avx512.c
$(BUILD)/host/sha256_shani.o: CFLAGS += -msse4.1 -msha
$(BUILD)/host/sha256d_shani.o: CFLAGS += -msse4.1 -msha
$(BUILD)/host/sha256d_shani_evex.o: CFLAGS += -msse4.1 -msha -mavx2 -mavx512f -mavx512vl
$(BUILD)/host/sha256d_avx2.o: CFLAGS += -mavx2
$(BUILD)/host/sha256d_avx512.o: CFLAGS += -mavx512f -mavx512vl

# Hand-written assembly, x86-64 only (System V ABI): the SHA-NI hot loop.
X86_ASM := host/sha256d_shani_x86_asm.S

LIB_SRC := $(filter-out host/main.c, $(wildcard host/*.c))
ASM_SRC := $(X86_ASM)
ifneq ($(ARCH),x86_64)
LIB_SRC := $(filter-out $(X86_SRC), $(LIB_SRC))
ASM_SRC :=
endif
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(ASM_SRC:%.S=$(BUILD)/%.o)

# The RTL (rtl/), for the simulated board below and the benches and lint.
# rtl/chain/: the FULL engine's carry-chain adders; rtl/lines/: the ring with
# its window in delay lines; rtl/pair/: two cores of different shapes
# (scripts/board_synth.sh says why each is a folder of its own)
RTL_SRC := $(sort $(wildcard rtl/*.v rtl/chain/*.v rtl/lines/*.v rtl/pair/*.v))
VERILATOR_FLAGS := -Wall -Irtl --x-assign fast --x-initial fast
# Verilator's own make compiles a model with -Os; -O2 simulates the FULL core
# about 15% faster (measured: 1.08 against 0.94 M nonces/s; -O3 gave 1.06).
VMODEL_OPT := -MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2"

# The simulated board (sim/pmsim.h): rtl/pm_miner_top verilated once per
# shape (its own model class, so one binary holds them all), the C ABI over
# them, and Verilator's runtime. Rules further down.
SIM_SHAPES := full rolled
SIMLIB_PARAMS_full := -GENGINE=2\'d2 -GENGINES=8\'d1
SIMLIB_PARAMS_rolled := -GENGINE=2\'d0 -GENGINES=8\'d1
SIMLIB_BAUD_DIV := 4
SIMLIB_CLOCK_HZ := 12000000
VERILATOR_INC := /usr/share/verilator/include
SIMLIB := $(BUILD)/simlib
SIMLIB_MODELS := $(foreach s,$(SIM_SHAPES),$(SIMLIB)/$(s)/Vsim_$(s)__ALL.a)
SIMLIB_OBJ := $(SIMLIB)/pmsim.o $(SIMLIB)/verilated.o $(SIMLIB)/verilated_threads.o $(SIMLIB_MODELS)

all: pipeminer

deps:
	@scripts/deps.sh $(PACKAGES)

# Order-only: `deps` runs first but never forces a rebuild.
$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.S | deps
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# The library as an archive: the Verilator benches take only what they use.
$(BUILD)/libpm.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

pipeminer: $(BUILD)/host/main.o $(LIB_OBJ) $(SIMLIB_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# ---- the simulated board (sim/pmsim.h; variables at the top) -----------------
SIMLIB_CXX := g++ -O2 -I$(VERILATOR_INC) -I$(VERILATOR_INC)/vltstd

define simshape
$(SIMLIB)/$(1)/Vsim_$(1)__ALL.a: $(RTL_SRC) $(wildcard rtl/*.vh) rtl/lint.vlt | deps
	@mkdir -p $(SIMLIB)/$(1)
	@echo "  VERILATE simulated board: $(1)"
	$(Q)verilator --cc --build -j 2 -O3 $(VERILATOR_FLAGS) $(VMODEL_OPT) --prefix Vsim_$(1) \
		$(SIMLIB_PARAMS_$(1)) -GBAUD_DIV=16\'d$(SIMLIB_BAUD_DIV) \
		-GCLOCK_HZ=32\'d$(SIMLIB_CLOCK_HZ) --top-module pm_miner_top --Mdir $(SIMLIB)/$(1) \
		rtl/lint.vlt $(RTL_SRC) >$(SIMLIB)/$(1).log 2>&1 || { tail -40 $(SIMLIB)/$(1).log; exit 1; }
endef
$(foreach s,$(SIM_SHAPES),$(eval $(call simshape,$(s))))

$(SIMLIB)/pmsim.o: sim/pmsim.cpp sim/pmsim.h $(SIMLIB_MODELS)
	@echo "  CXX     $<"
	$(Q)$(SIMLIB_CXX) $(SIM_SHAPES:%=-I$(SIMLIB)/%) -DPMSIM_BAUD_DIV=$(SIMLIB_BAUD_DIV) \
		-DPMSIM_CLOCK_HZ=$(SIMLIB_CLOCK_HZ) -c $< -o $@

$(SIMLIB)/verilated.o $(SIMLIB)/verilated_threads.o: | deps
	@mkdir -p $(@D)
	@echo "  CXX     $(VERILATOR_INC)/$(notdir $(@:.o=.cpp))"
	$(Q)$(SIMLIB_CXX) -c $(VERILATOR_INC)/$(notdir $(@:.o=.cpp)) -o $@

# ---- tests ----------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_CFLAGS := $(CFLAGS) -Ihost -I/usr/include/libusb-1.0 -Wno-unused-parameter
TEST_LDLIBS := -lcmocka $(BASE_LIBS) -lstdc++

$(BUILD)/tests/%.o: tests/unit/%.c | deps
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(TEST_CFLAGS) -c $< -o $@

# Test support (tests/unit/*.c not named test_*) is linked into every suite.
TEST_SUPPORT := $(patsubst tests/unit/%.c,$(BUILD)/tests/%.o,\
	$(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c)))

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(TEST_SUPPORT) $(LIB_OBJ) $(SIMLIB_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(TEST_LDLIBS)

# The daemon with the libftdi1 stand-in in place of the library, so the CLI
# tests drive the real FTDI driver against simulated boards
# (tests/cli/test_board.sh; PM_FTDI_STANDIN says what is plugged in).
$(BUILD)/tests/pipeminer-standin: $(BUILD)/host/main.o $(BUILD)/tests/ftdi_standin.o $(LIB_OBJ) $(SIMLIB_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(BASE_LIBS) -lstdc++

test: pipeminer $(UNIT_BIN) $(BUILD)/tests/pipeminer-standin fuzz-build lint sim-benches
	@tests/run.sh $(UNIT_BIN) $(SIM_BENCHES)

# ---- fuzzing (clang libFuzzer; harnesses in tests/fuzz/) --------------------
# The library is compiled once with the sanitizers; each harness links it.
FUZZ_SECONDS ?= 300
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)
FUZZ_CFLAGS := -std=c11 -g -O1 -D_GNU_SOURCE -pthread -Ihost \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJ := $(LIB_SRC:host/%.c=$(BUILD)/fuzz/obj/%.o) $(ASM_SRC:host/%.S=$(BUILD)/fuzz/obj/%.o)
$(BUILD)/fuzz/obj/sha256_shani.o $(BUILD)/fuzz/obj/sha256d_shani.o: FUZZ_CFLAGS += -msse4.1 -msha
$(BUILD)/fuzz/obj/sha256d_shani_evex.o: FUZZ_CFLAGS += -msse4.1 -msha -mavx2 -mavx512f -mavx512vl
$(BUILD)/fuzz/obj/sha256d_avx2.o: FUZZ_CFLAGS += -mavx2
$(BUILD)/fuzz/obj/sha256d_avx512.o: FUZZ_CFLAGS += -mavx512f -mavx512vl

$(BUILD)/fuzz/obj/%.o: host/%.c | deps
	@mkdir -p $(@D)
	@echo "  CC+SAN  $<"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(BUILD)/fuzz/obj/%.o: host/%.S | deps
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)clang -c $< -o $@

$(BUILD)/fuzz/obj/transport_ftdi.o: FUZZ_CFLAGS += -I/usr/include/libusb-1.0
$(BUILD)/fuzz/obj/transport_sim.o $(BUILD)/fuzz/obj/cmd_devices.o: FUZZ_CFLAGS += -Isim

# An archive: each harness links only the parsers it exercises.
$(BUILD)/fuzz/libpm.a: $(FUZZ_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/fuzz/libpm.a | deps
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -o $@ $(BASE_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_NAMES); do \
		mkdir -p $(BUILD)/fuzz/corpus-$$f; \
		echo "fuzz_$$f: $(FUZZ_SECONDS) s"; \
		$(BUILD)/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$(BUILD)/fuzz/corpus-$$f tests/fuzz/corpus/$$f || exit 1; \
	done

# ---- RTL: lint and Verilator benches (docs/rtl.md) --------------------------
# Benches are declared in sim/*.mk with $(call vbench,MODEL,SOURCE,TOP,PARAMS):
# the model build/sim/MODEL/MODEL is sim/SOURCE's bench around rtl/'s TOP
# built with PARAMS (-GNAME=value ...), once per parameter set. Each bench
# also lints its configuration; $(call vlint,NAME,TOP,PARAMS) adds one more.
SIM_BENCHES :=
LINT_TARGETS :=

define vlint
lint-$(1): $(RTL_SRC) rtl/lint.vlt | deps
	@echo "  LINT    $(1)"
	$(Q)verilator --lint-only $(VERILATOR_FLAGS) --top-module $(2) $(3) rtl/lint.vlt $(RTL_SRC)
LINT_TARGETS += lint-$(1)
.PHONY: lint-$(1)
endef

define vbench_build
$(BUILD)/sim/$(1)/$(1): $(RTL_SRC) sim/$(2) $(wildcard sim/*.h) $(BUILD)/libpm.a | deps
	@mkdir -p $(BUILD)/sim
	@echo "  VERILATE $(1)$(5)"
	$(Q)verilator --cc --exe --build -j 2 -O3 $(VERILATOR_FLAGS) $(VMODEL_OPT) $(4) --top-module $(3) \
		--Mdir $(BUILD)/sim/$(1) -o $(1) rtl/lint.vlt $(RTL_SRC) $(CURDIR)/sim/$(2) \
		-CFLAGS "-O2 -I$(CURDIR)/host -I$(CURDIR)/sim" \
		-LDFLAGS "$(abspath $(BUILD)/libpm.a) $(BASE_LIBS)" >$(BUILD)/sim/$(1).log 2>&1 \
		|| { tail -40 $(BUILD)/sim/$(1).log; exit 1; }
endef

define vbench
$(call vbench_build,$(1),$(2),$(3),$(4))
$(call vbench_build,wave-$(1),$(2),$(3),$(4) --trace-fst, (traced))
$(call vlint,$(1),$(3),$(4))
SIM_BENCHES += $(BUILD)/sim/$(1)/$(1)
endef

-include sim/*.mk
# the board tops' reset (bitstreams/): no bench of its own, linted
$(eval $(call vlint,reset,pm_reset,))

lint: $(LINT_TARGETS)

# (A target of its own: SIM_BENCHES is complete only after sim/*.mk.)
sim-benches: $(SIM_BENCHES)

# make wave TEST=MODEL: the bench again with tracing, waveform in build/sim/MODEL.fst
wave: | deps
	@test -n "$(TEST)" || { echo "usage: make wave TEST=MODEL (one of: $(notdir $(SIM_BENCHES)))"; exit 2; }
	$(Q)$(MAKE) --no-print-directory $(BUILD)/sim/wave-$(TEST)/wave-$(TEST)
	PM_WAVE=$(BUILD)/sim/$(TEST).fst $(BUILD)/sim/wave-$(TEST)/wave-$(TEST)
	@echo "waveform: $(BUILD)/sim/$(TEST).fst (gtkwave $(BUILD)/sim/$(TEST).fst)"

# ---- benchmarks -------------------------------------------------------------
bench: pipeminer
	@scripts/bench.sh

# ---- bitstreams (scripts/bitstream.sh; bitstreams/<board>/board.conf) ---------
BOARDS := $(patsubst bitstreams/%/board.conf,%,$(wildcard bitstreams/*/board.conf))

bitstream: | deps
	@test -n "$(BOARD)" || { echo "make bitstream BOARD=x, x one of: $(BOARDS)"; exit 2; }
	@scripts/bitstream.sh $(BOARD)

# every board, carrying on past a failure; the failures are named at the end
bitstreams: | deps
	@failed=; for b in $(BOARDS); do scripts/bitstream.sh $$b || failed="$$failed $$b"; done; \
	test -z "$$failed" || { echo "make bitstreams: failed:$$failed"; exit 1; }

boards-table:
	@scripts/boards_table.py

# The post-synthesis check of an iCE40 and an ECP5 board (make test runs the
# iCE40 one; the ECP5 netlist takes ~9 minutes in iverilog).
postsynth: | deps
	@bash tests/cli/test_postsynth.sh icebreaker hx8k ulx3s-12f

# ECP5's tools (YoWASP nextpnr-ecp5 and Trellis from PyPI) in build/ecp5-venv/;
# scripts/bitstream.sh runs this itself for an ECP5 board.
deps-ecp5: | deps
	@scripts/deps_ecp5.sh

# iceprog (iCE40) or openFPGALoader (ECP5), as the board's board.conf says
prog: | deps
	@test -n "$(BOARD)" || { echo "make prog BOARD=x, x one of: $(BOARDS)"; exit 2; }
	@. bitstreams/$(BOARD)/board.conf && f=bitstreams/build/$(BOARD)/$(BOARD).$$([ $$FAMILY = ecp5 ] && echo bit || echo bin) && \
	{ test -f $$f || scripts/bitstream.sh $(BOARD); } && echo "$$PROG $$f" && $$PROG $$f

# A local pool, the daemon and a simulated board for about a minute
# (scripts/demo.sh; DEMO_SECONDS, DEMO_DIFF, DEMO_DEVICE).
demo: pipeminer
	@scripts/demo.sh

clean:
	rm -rf $(BUILD) pipeminer bitstreams/build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
