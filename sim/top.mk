# The whole miner through its UART pins (sim/tb_miner_top.cpp), one model per
# engine shape; TB_* tell the bench the shape it was built with.
TOP_PARAMS = -GENGINE=2\'d$(1) -GENGINES=8\'d$(2) -GSTAGES=8\'d$(3) -GBAUD_DIV=16\'d4 \
	-CFLAGS -DTB_ENGINE=$(1) -CFLAGS -DTB_ENGINES=$(2) -CFLAGS -DTB_STAGES=$(3)
$(eval $(call corebench,top_rolled,tb_miner_top.cpp,pm_miner_top,$(call TOP_PARAMS,0,2,1)))
$(eval $(call corebench,top_unrolled,tb_miner_top.cpp,pm_miner_top,$(call TOP_PARAMS,1,1,8)))
$(eval $(call corebench,top_lines,tb_miner_top.cpp,pm_miner_top,$(call TOP_PARAMS,3,1,4)))
$(eval $(call corebench,top_full,tb_miner_top.cpp,pm_miner_top,$(call TOP_PARAMS,2,1,4)))
