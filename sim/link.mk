# The link's benches (docs/link-protocol.md). See the Makefile's RTL section.
# Parameter values are sized constants (16\'d4), the quote escaped for the shell.
$(eval $(call vbench,crc16,tb_crc16.cpp,pm_crc16,))
$(eval $(call vbench,link,tb_link.cpp,pm_link,-GBAUD_DIV=16\'d4 -GENGINE=8\'d0 -GENGINES=8\'d2 -GSTAGES=8\'d1 -GCYCLES=16\'d125 -GLATENCY=16\'d125 -GCLOCK_HZ=32\'d12000000))
