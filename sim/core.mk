# The hashing core's benches (docs/rtl.md). See the Makefile's RTL section.
# Parameter values are sized constants (8\'d4), the quote escaped for the
# shell; -CFLAGS tells a bench which engine it drives.
CORE_HDRS := $(wildcard rtl/*.vh) sim/tb_work.h

# $(call corebench,MODEL,SOURCE,TOP,PARAMS): a vbench that also depends on
# the RTL headers and the shared bench header.
define corebench
$(call vbench,$(1),$(2),$(3),$(4))
$(BUILD)/sim/$(1)/$(1) $(BUILD)/sim/wave-$(1)/wave-$(1): $(CORE_HDRS)
endef

# the primitives
$(eval $(call corebench,round,tb_round.cpp,pm_sha256_round,-CFLAGS -DTB_WEXP=0))
$(eval $(call corebench,wexp,tb_round.cpp,pm_sha256_wexp,-CFLAGS -DTB_WEXP=1))
$(eval $(call corebench,round_cc,tb_round.cpp,pm_sha256_round_cc,-CFLAGS -DTB_WEXP=0 -CFLAGS -DTB_CC=1))
$(eval $(call corebench,wexp_cc,tb_round.cpp,pm_sha256_wexp_cc,-CFLAGS -DTB_WEXP=1 -CFLAGS -DTB_CC=1))

# one model per engine shape
$(eval $(call corebench,engine_rolled,tb_engine.cpp,pm_engine_rolled,-CFLAGS -DTB_KIND=0))
$(foreach s,2 3 4 8 9 16 21 31 32 64,$(eval $(call corebench,engine_s$(s),tb_engine.cpp,pm_engine_unrolled,-GSTAGES=8\'d$(s) -CFLAGS -DTB_KIND=1 -CFLAGS -DTB_STAGES=$(s))))
# the ring with its message window in delay lines (the iCE40 rings)
$(foreach s,2 3 4 21,$(eval $(call corebench,engine_lines_s$(s),tb_engine.cpp,pm_engine_lines,-GSTAGES=8\'d$(s) -CFLAGS -DTB_KIND=1 -CFLAGS -DTB_STAGES=$(s) -CFLAGS -DTB_LINES)))
$(eval $(call corebench,engine_full,tb_engine.cpp,pm_engine_full,-CFLAGS -DTB_KIND=2))

# pm_core: two rolled widths, rings (one S=4, the HX8K's S=4 in lines, two
# and four S=21), the full pipeline (sim/tb_core.vlt: the internal register
# the bench reads)
core_params = $(CURDIR)/sim/tb_core.vlt -GENGINE=2\'d$(1) -GENGINES=8\'d$(2) -GSTAGES=8\'d$(3) -CFLAGS -DTB_ENGINE=$(1) -CFLAGS -DTB_ENGINES=$(2) -CFLAGS -DTB_STAGES=$(3)
$(eval $(call corebench,core_rolled2,tb_core.cpp,pm_core,$(call core_params,0,2,1)))
$(eval $(call corebench,core_rolled4,tb_core.cpp,pm_core,$(call core_params,0,4,1)))
$(eval $(call corebench,core_s4,tb_core.cpp,pm_core,$(call core_params,1,1,4)))
$(eval $(call corebench,core_lines_s4,tb_core.cpp,pm_core,$(call core_params,3,1,4)))
$(eval $(call corebench,core_s21x2,tb_core.cpp,pm_core,$(call core_params,1,2,21)))
$(eval $(call corebench,core_s21x4,tb_core.cpp,pm_core,$(call core_params,1,4,21)))
$(eval $(call corebench,core_full,tb_core.cpp,pm_core,$(call core_params,2,1,1)))
