/*
 * tb_uart: the host's side of the board link for the Verilator benches,
 * written independently of host/ (so the RTL and the daemon's link code
 * check each other): CRC-16/CCITT-FALSE, frames (docs/link-protocol.md),
 * and a UART on a model's pins, bit by bit at BAUD_DIV cycles per bit.
 */
#ifndef PIPEMINER_TB_UART_H
#define PIPEMINER_TB_UART_H

#include <cstdint>
#include <deque>
#include <vector>

#include "tb_common.h"

static inline uint16_t crc16(const std::vector<uint8_t> &b, size_t from, size_t to)
{
	uint16_t crc = 0xffff;

	for (size_t i = from; i < to; i++) {
		crc ^= (uint16_t)(b[i] << 8);
		for (int k = 0; k < 8; k++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	}
	return crc;
}

static inline std::vector<uint8_t> frame(uint8_t type, const std::vector<uint8_t> &payload)
{
	std::vector<uint8_t> f = {0xa5, type, (uint8_t)payload.size()};

	f.insert(f.end(), payload.begin(), payload.end());
	uint16_t crc = crc16(f, 1, f.size());
	f.push_back((uint8_t)(crc >> 8));
	f.push_back((uint8_t)crc);
	return f;
}

struct rx_frame {
	uint8_t type;
	std::vector<uint8_t> payload;
};

static inline uint32_t be32(const std::vector<uint8_t> &p, size_t at)
{
	return (uint32_t)p[at] << 24 | (uint32_t)p[at + 1] << 16 | (uint32_t)p[at + 2] << 8 | p[at + 3];
}

static inline uint64_t be48(const std::vector<uint8_t> &p, size_t at)
{
	return (uint64_t)be32(p, at) << 16 | (uint64_t)p[at + 4] << 8 | p[at + 5];
}


/*
 * A UART on a model's pins: tx_bit() gives the level to drive on the
 * board's RX pin this cycle; rx_sample(level) decodes the board's TX pin
 * (call it once per cycle, after the clock edge). Bytes received collect
 * in rx_bytes; frames() parses and clears them.
 */
struct uart_host {
	int baud_div;
	std::deque<uint8_t> line;
	int rx_count = -1, rx_bit = 0;
	uint8_t rx_byte = 0;
	std::vector<uint8_t> rx_bytes;

	explicit uart_host(int div) : baud_div(div) {}

	/* Queues bytes; stop_bit = false sends a byte with a framing error. */
	void send(const std::vector<uint8_t> &bytes, bool stop_bit = true)
	{
		for (uint8_t b : bytes) {
			for (int i = 0; i < baud_div; i++)
				line.push_back(0);
			for (int k = 0; k < 8; k++)
				for (int i = 0; i < baud_div; i++)
					line.push_back((b >> k) & 1);
			for (int i = 0; i < baud_div * 2; i++)
				line.push_back(stop_bit ? 1 : 0);
			if (!stop_bit)
				for (int i = 0; i < baud_div * 2; i++)
					line.push_back(1);
		}
	}

	void idle(unsigned bytes)
	{
		for (unsigned i = 0; i < bytes * 10 * (unsigned)baud_div; i++)
			line.push_back(1);
	}

	int tx_bit()
	{
		int b = line.empty() ? 1 : line.front();

		if (!line.empty())
			line.pop_front();
		return b;
	}

	bool receiving() const { return rx_count >= 0; }

	void rx_sample(int level)
	{
		if (rx_count < 0) {
			if (!level) {
				rx_count = baud_div / 2;
				rx_bit = -1;
			}
		} else if (--rx_count == 0) {
			if (rx_bit < 0) {
				rx_bit = 0;
				rx_byte = 0;
			} else if (rx_bit < 8) {
				rx_byte |= (uint8_t)(level << rx_bit);
				rx_bit++;
			} else {
				rx_bytes.push_back(rx_byte);
				rx_count = -1;
				return;
			}
			rx_count = baud_div;
		}
	}

	/* Frames received so far (then forgotten); a malformed one fails a check. */
	std::vector<rx_frame> frames(tap &t)
	{
		std::vector<rx_frame> out;
		size_t i = 0;

		while (i < rx_bytes.size()) {
			if (rx_bytes[i] != 0xa5 || i + 5 > rx_bytes.size()) {
				t.check(false, "board sent a stray byte 0x%02x", rx_bytes[i]);
				i++;
				continue;
			}
			size_t len = rx_bytes[i + 2], end = i + 3 + len + 2;

			if (end > rx_bytes.size()) {
				t.check(false, "board sent a truncated frame");
				break;
			}
			uint16_t crc = crc16(rx_bytes, i + 1, i + 3 + len);

			if ((uint16_t)(rx_bytes[end - 2] << 8 | rx_bytes[end - 1]) != crc)
				t.check(false, "board frame CRC wrong");
			out.push_back({rx_bytes[i + 1],
				       std::vector<uint8_t>(rx_bytes.begin() + (long)i + 3,
							    rx_bytes.begin() + (long)(i + 3 + len))});
			i = end;
		}
		rx_bytes.clear();
		return out;
	}
};

#endif
