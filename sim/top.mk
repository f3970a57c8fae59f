# The whole miner through its UART pins (sim/tb_miner_top.cpp), one model per
# engine shape; TB_* tell the bench the shape it was built with.
TOP_PARAMS = -GENGINE=2\'d$(1) -GENGINES=8\'d$(2) -GSTAGES=8\'d$(3) -GBAUD_DIV=16\'d4 \
	-CFLAGS -DTB_ENGINE=$(1) -CFLAGS -DTB_ENGINES=$(2) -CFLAGS -DTB_STAGES=$(3)
$(eval $(call corebench,top_rolled,tb_miner_top.cpp,pm_miner_top,$(call TOP_PARAMS,0,2,1)))
$(eval $(call corebench,top_unrolled,tb_miner_top.cpp,pm_miner_top,$(call TOP_PARAMS,1,1,8)))
$(eval $(call corebench,top_lines,tb_miner_top.cpp,pm_miner_top,$(call TOP_PARAMS,3,1,4)))
$(eval $(call corebench,top_full,tb_miner_top.cpp,pm_miner_top,$(call TOP_PARAMS,2,1,4)))
# two cores of different shapes (rtl/pair/, the ULX3S 85F's S = 62 ring
# beside an S = 21 ring in lines) at a size that simulates fast: an S = 9
# ring (a nonce per 14 clocks) beside an S = 3 ring in lines (per 42), 3:1
# like the 85F's; IDENTITY shows 2 engines of 21 cycles (TB_PAIR: STATUS's
# next nonce is its first core's). The model keeps
# pm_miner_top's class name (--prefix), which the bench drives
$(eval $(call corebench,top_pair,tb_miner_top.cpp,pm_miner_pair,--prefix Vpm_miner_top -GSTAGES_A=8\'d9 -GENGINE_B=2\'d3 -GSTAGES_B=8\'d3 -GBAUD_DIV=16\'d4 \
	-CFLAGS -DTB_ENGINE=1 -CFLAGS -DTB_ENGINES=2 -CFLAGS -DTB_STAGES=9 -CFLAGS -DTB_PAIR))
# and the 85F's own pair (pm_miner_pair's defaults: S = 62 beside S = 21 in lines)
$(eval $(call vlint,pair_85f,pm_miner_pair,))
