package bpf

import (
	"encoding/binary"
	"fmt"
)

// Run executes a validated program on pkt the way the kernel does for a
// packet without ancillary data, returning how many bytes to keep (0:
// drop). A load beyond the packet ends the program with 0, as in the
// kernel. Loads of the kernel's ancillary fields (negative offsets) are
// refused with an error: they have no meaning outside a live socket.
func Run(prog []Instruction, pkt []byte) (uint32, error) {
	var (
		a, x uint32
		mem  [memWords]uint32
	)
	load := func(off uint32, size int) (uint32, bool, error) {
		if off >= 0x80000000 {
			return 0, false, fmt.Errorf("bpf: ancillary load at %#x cannot run outside the kernel", off)
		}
		if uint64(off)+uint64(size) > uint64(len(pkt)) {
			return 0, false, nil
		}
		switch size {
		case 4:
			return binary.BigEndian.Uint32(pkt[off:]), true, nil
		case 2:
			return uint32(binary.BigEndian.Uint16(pkt[off:])), true, nil
		}
		return uint32(pkt[off]), true, nil
	}
	sizes := map[uint16]int{sizeW: 4, sizeH: 2, sizeB: 1}
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.Op & 0x07 {
		case classLD:
			switch in.Op & 0xe0 {
			case modeIMM:
				a = in.K
			case modeLEN:
				a = uint32(len(pkt))
			case modeMEM:
				a = mem[in.K%memWords]
			case modeABS, modeIND:
				off := in.K
				if in.Op&0xe0 == modeIND {
					off += x
				}
				v, ok, err := load(off, sizes[in.Op&0x18])
				if err != nil || !ok {
					return 0, err
				}
				a = v
			}
		case classLDX:
			switch in.Op & 0xe0 {
			case modeIMM:
				x = in.K
			case modeLEN:
				x = uint32(len(pkt))
			case modeMEM:
				x = mem[in.K%memWords]
			case modeMSH:
				v, ok, err := load(in.K, 1)
				if err != nil || !ok {
					return 0, err
				}
				x = 4 * (v & 0x0f)
			}
		case classST:
			mem[in.K%memWords] = a
		case classSTX:
			mem[in.K%memWords] = x
		case classALU:
			v := in.K
			if in.Op&srcX != 0 {
				v = x
			}
			switch in.Op & 0xf0 {
			case aluADD:
				a += v
			case aluSUB:
				a -= v
			case aluMUL:
				a *= v
			case aluDIV:
				if v == 0 {
					return 0, nil
				}
				a /= v
			case aluMOD:
				if v == 0 {
					return 0, nil
				}
				a %= v
			case aluOR:
				a |= v
			case aluAND:
				a &= v
			case aluLSH:
				a <<= v & 31
			case aluRSH:
				a >>= v & 31
			case aluNEG:
				a = -a
			case aluXOR:
				a ^= v
			}
		case classJMP:
			if in.Op&0xf0 == jmpJA {
				pc += int(in.K)
				continue
			}
			v := in.K
			if in.Op&srcX != 0 {
				v = x
			}
			var cond bool
			switch in.Op & 0xf0 {
			case jmpJEQ:
				cond = a == v
			case jmpJGT:
				cond = a > v
			case jmpJGE:
				cond = a >= v
			case jmpJSET:
				cond = a&v != 0
			}
			if cond {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case classRET:
			switch in.Op & 0x18 {
			case retA:
				return a, nil
			case retX:
				return x, nil
			}
			return in.K, nil
		case classMISC:
			if in.Op&0xf8 == miscTXA {
				a = x
			} else {
				x = a
			}
		}
	}
	return 0, fmt.Errorf("bpf: the program ran off its end")
}
