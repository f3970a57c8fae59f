// tb_crc16: pm_crc16 against the CRC-16/CCITT-FALSE definition (a bitwise
// model here) on every byte for every 16th CRC value, and the standard check
// value of "123456789".
#include "Vpm_crc16.h"
#include "tb_common.h"

static uint16_t model(uint16_t crc, uint8_t byte)
{
	crc ^= (uint16_t)(byte << 8);
	for (int k = 0; k < 8; k++)
		crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	return crc;
}

int main(int argc, char **argv)
{
	sim<Vpm_crc16> s(argc, argv);
	tap t;
	unsigned bad = 0;
	uint16_t crc = 0xffff;

	for (unsigned c = 0; c < 65536; c += 16) {
		for (unsigned b = 0; b < 256; b++) {
			s.top->i_crc = (uint16_t)c;
			s.top->i_byte = (uint8_t)b;
			s.eval();
			bad += s.top->o_crc != model((uint16_t)c, (uint8_t)b);
		}
	}
	t.check(bad == 0, "every byte from 4096 CRC states matches the bitwise model (%u wrong)", bad);
	for (const char *p = "123456789"; *p; p++) {
		s.top->i_crc = crc;
		s.top->i_byte = (uint8_t)*p;
		s.eval();
		crc = s.top->o_crc;
	}
	t.check(crc == 0x29b1, "check value of \"123456789\" is 0x29b1 (got 0x%04x)", crc);
	return t.finish();
}
