# The link's benches (docs/link-protocol.md). See the Makefile's RTL section.
$(eval $(call vbench,crc16,tb_crc16.cpp,pm_crc16,))
